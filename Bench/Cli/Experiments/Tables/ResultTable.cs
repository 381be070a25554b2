namespace HmmEcs.Cli.Experiments.Tables;

/// <summary>
/// A flat table of results: typed columns and rows whose cells are <see cref="long"/>, <see cref="double"/>
/// or <see cref="string"/> (null only in string columns). Written as CSV and Parquet.
/// </summary>
public sealed class ResultTable
{
    /// <summary>An empty table with these columns.</summary>
    public ResultTable(IReadOnlyList<TableColumn> columns)
    {
        Columns = columns;
    }

    /// <summary>The columns in order.</summary>
    public IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>The rows; each holds one cell per column.</summary>
    public List<object?[]> Rows { get; } = [];

    /// <summary>The index of column <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Adds a row after checking it has one cell of the right type per column.</summary>
    public void Add(object?[] row)
    {
        if (row.Length != Columns.Count)
        {
            throw new ArgumentException($"row has {row.Length} cells, table has {Columns.Count} columns");
        }
        for (var i = 0; i < row.Length; i++)
        {
            var ok = Columns[i].Kind switch
            {
                ColumnKind.Int64 => row[i] is null or long,
                ColumnKind.Double => row[i] is null or double,
                _ => row[i] is null or string,
            };
            if (!ok)
            {
                throw new ArgumentException($"column {Columns[i].Name} ({Columns[i].Kind}) cannot hold {row[i] ?? "null"}");
            }
        }
        Rows.Add(row);
    }

}
