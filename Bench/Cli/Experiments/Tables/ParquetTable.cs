using Parquet;
using Parquet.Schema;

namespace HmmEcs.Cli.Experiments.Tables;

/// <summary>
/// Parquet (Parquet.Net) with one flat row group of optional int64, double and UTF-8 columns (a step row has no
/// value for another op's fields). DuckDB (<c>read_parquet</c>) and pandas (<c>read_parquet</c>) read it as it is.
/// </summary>
public static class ParquetTable
{
    /// <summary>Writes <paramref name="table"/> to <paramref name="path"/>.</summary>
    public static void Write(ResultTable table, string path) => WriteAsync(table, path).GetAwaiter().GetResult();

    /// <summary>Reads a flat Parquet file of int64, int32, double, float and string columns.</summary>
    public static ResultTable Read(string path) => ReadAsync(path).GetAwaiter().GetResult();

    private static async Task WriteAsync(ResultTable table, string path)
    {
        var fields = new DataField[table.Columns.Count];
        for (var c = 0; c < fields.Length; c++)
        {
            var col = table.Columns[c];
            fields[c] = col.Kind switch
            {
                ColumnKind.Int64 => new DataField<long?>(col.Name),
                ColumnKind.Double => new DataField<double?>(col.Name),
                _ => new DataField<string>(col.Name, true),
            };
        }
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream).ConfigureAwait(false);
        using var group = writer.CreateRowGroup();
        var rows = table.Rows;
        for (var c = 0; c < fields.Length; c++)
        {
            switch (table.Columns[c].Kind)
            {
                case ColumnKind.Int64:
                {
                    var values = new long?[rows.Count];
                    for (var r = 0; r < values.Length; r++)
                    {
                        values[r] = (long?)rows[r][c];
                    }
                    await group.WriteAsync(fields[c], new ReadOnlyMemory<long?>(values)).ConfigureAwait(false);
                    break;
                }
                case ColumnKind.Double:
                {
                    var values = new double?[rows.Count];
                    for (var r = 0; r < values.Length; r++)
                    {
                        values[r] = (double?)rows[r][c];
                    }
                    await group.WriteAsync(fields[c], new ReadOnlyMemory<double?>(values)).ConfigureAwait(false);
                    break;
                }
                default:
                {
                    var values = new string[rows.Count];
                    for (var r = 0; r < values.Length; r++)
                    {
                        values[r] = (string?)rows[r][c]!;
                    }
                    await group.WriteAsync(fields[c], values).ConfigureAwait(false);
                    break;
                }
            }
        }
    }

    private static async Task<ResultTable> ReadAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream).ConfigureAwait(false);
        var fields = reader.Schema.GetDataFields();
        var columns = new TableColumn[fields.Length];
        for (var c = 0; c < fields.Length; c++)
        {
            var t = fields[c].ClrType;
            var kind = t == typeof(long) || t == typeof(int) ? ColumnKind.Int64
                : t == typeof(double) || t == typeof(float) ? ColumnKind.Double
                : IsText(t) ? ColumnKind.String
                : throw new InvalidDataException($"{path}: column {fields[c].Name} has type {t.Name}; only int64, double and string are read");
            columns[c] = new TableColumn(fields[c].Name, kind);
        }
        var table = new ResultTable(columns);
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = checked((int)group.RowCount);
            var cells = new object?[fields.Length][];
            for (var c = 0; c < fields.Length; c++)
            {
                cells[c] = await ReadColumn(group, fields[c], n).ConfigureAwait(false);
            }
            for (var r = 0; r < n; r++)
            {
                var row = new object?[fields.Length];
                for (var c = 0; c < fields.Length; c++)
                {
                    row[c] = cells[c][r];
                }
                table.Add(row);
            }
        }
        return table;
    }

    private static async Task<object?[]> ReadColumn(ParquetRowGroupReader group, DataField field, int n)
    {
        var result = new object?[n];
        var t = field.ClrType;
        if (IsText(t))
        {
            var values = new string?[n];
            await group.ReadAsync(field, values.AsMemory()).ConfigureAwait(false);
            for (var r = 0; r < n; r++)
            {
                result[r] = values[r];
            }
        }
        else if (t == typeof(long))
        {
            await Fill<long>(group, field, n, result, v => v).ConfigureAwait(false);
        }
        else if (t == typeof(int))
        {
            await Fill<int>(group, field, n, result, v => (long)v).ConfigureAwait(false);
        }
        else if (t == typeof(double))
        {
            await Fill<double>(group, field, n, result, v => v).ConfigureAwait(false);
        }
        else
        {
            await Fill<float>(group, field, n, result, v => (double)v).ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>Parquet.Net 6 reports UTF-8 columns as <see cref="string"/> or as <see cref="ReadOnlyMemory{T}"/> of char.</summary>
    private static bool IsText(Type t) => t == typeof(string) || t == typeof(ReadOnlyMemory<char>);

    private static async Task Fill<T>(ParquetRowGroupReader group, DataField field, int n, object?[] result, Func<T, object> box)
        where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[n];
            await group.ReadAsync(field, values.AsMemory()).ConfigureAwait(false);
            for (var r = 0; r < n; r++)
            {
                result[r] = values[r] is { } v ? box(v) : null;
            }
        }
        else
        {
            var values = new T[n];
            await group.ReadAsync(field, values.AsMemory()).ConfigureAwait(false);
            for (var r = 0; r < n; r++)
            {
                result[r] = box(values[r]);
            }
        }
    }
}
