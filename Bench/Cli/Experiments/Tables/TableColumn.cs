namespace HmmEcs.Cli.Experiments.Tables;

/// <summary>The plain column types a result table uses, so DuckDB and pandas read it without nested types.</summary>
public enum ColumnKind
{
    /// <summary>64-bit integers (<see cref="long"/>).</summary>
    Int64,

    /// <summary>Doubles.</summary>
    Double,

    /// <summary>UTF-8 strings; the only kind that may hold null.</summary>
    String,
}

/// <summary>One column of a <see cref="ResultTable"/>.</summary>
/// <param name="Name">The header, e.g. <c>copy.pages</c> or a sweep path such as <c>devices[0].maxBatchPages</c>.</param>
/// <param name="Kind">Its type.</param>
public sealed record TableColumn(string Name, ColumnKind Kind);
