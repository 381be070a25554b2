using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Tables;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// The sweep table: one row per (run, migrate step) with the run's identity, every sweep parameter (a column
/// named by its path) and every result field of the step, named by its dotted result path (<c>reasons.pinned</c>,
/// <c>copy.pages</c>) and typed as the registry (<see cref="ResultFields"/>) declares it. Steps outside a repeat
/// have <c>iteration</c> and <c>inner</c> -1.
/// </summary>
public static class MigrateRows
{
    /// <summary>The result fields that become columns, in column order: the migrate's own, then the step's wall time and error.</summary>
    public static readonly IReadOnlyList<ResultField> ResultColumns = [.. ResultFields.MigrateGroup.Leaves(), ResultFields.WallMs, ResultFields.Error];

    /// <summary>The columns for a sweep over <paramref name="parameters"/>.</summary>
    public static IReadOnlyList<TableColumn> Columns(IReadOnlyList<SweepParameter> parameters)
    {
        var columns = new List<TableColumn>
        {
            new("run", ColumnKind.Int64),
            new("scenario", ColumnKind.String),
            new("engine", ColumnKind.String),
            new("seed", ColumnKind.Int64),
        };
        foreach (var p in parameters)
        {
            columns.Add(new TableColumn(ColumnName(p.Path), p.ColumnKind));
        }
        columns.Add(new("step", ColumnKind.Int64));
        columns.Add(new("iteration", ColumnKind.Int64));
        columns.Add(new("inner", ColumnKind.Int64));
        foreach (var f in ResultColumns)
        {
            columns.Add(new(f.Path, KindOf(f)));
        }
        columns.Add(new("expectFailures", ColumnKind.Int64));
        columns.Add(new("runOk", ColumnKind.Int64));
        return columns;
    }

    /// <summary>
    /// Names that a parameter column may not take; a path equal to one (<c>seed</c>) gets the prefix <c>set.</c>.
    /// Every fixed column without a dot: a dotted result name (<c>copy.pages</c>) is no scenario field, so no valid
    /// sweep path can equal it.
    /// </summary>
    public static readonly IReadOnlyList<string> FixedNames = [.. Columns([]).Select(c => c.Name).Where(n => !n.Contains('.'))];

    /// <summary>The column name of a parameter path: the path itself, or <c>set.PATH</c> where it would repeat a fixed column.</summary>
    public static string ColumnName(string path) => FixedNames.Contains(path) ? $"set.{path}" : path;

    /// <summary>
    /// An axis title for a column: the registry's title and unit for a result column (<c>copy.deviceTimeUs</c>
    /// reads "device time of the copy (µs)"), the name itself for any other (parameters, identity).
    /// </summary>
    public static string AxisTitle(string column)
    {
        foreach (var f in ResultColumns)
        {
            if (f.Path == column)
            {
                return f.AxisTitle;
            }
        }
        return column;
    }

    /// <summary>
    /// Appends one row per migrate step of a run's result document (<c>hmmecs run --json</c>'s format): the same
    /// source for a run just finished and one a resumed sweep finds on disk, so both tabulate alike.
    /// </summary>
    public static void Append(ResultTable table, int runId, JsonObject doc, IReadOnlyList<object?> parameterCells)
    {
        var runOk = doc["ok"]!.GetValue<bool>() ? 1L : 0L;
        foreach (var node in doc["steps"]!.AsArray())
        {
            var s = node!.AsObject();
            if (s["op"]!.GetValue<string>() != "migrate")
            {
                continue;
            }
            var row = new List<object?> { (long)runId, doc["scenario"]!.GetValue<string>(), doc["engine"]!.GetValue<string>(), doc["seed"]!.GetValue<long>() };
            row.AddRange(parameterCells);
            row.Add(s["index"]!.GetValue<long>());
            row.Add(s[ResultFields.Iteration.Key]?.GetValue<long>() ?? -1L);
            row.Add(s[ResultFields.Inner.Key]?.GetValue<long>() ?? -1L);
            foreach (var f in ResultColumns)
            {
                row.Add(Cell(f, At(s, f.Path)));
            }
            row.Add((long)(s["expectFailures"]?.AsArray().Count ?? 0));
            row.Add(runOk);
            table.Add([.. row]);
        }
    }

    private static JsonNode? At(JsonObject step, string path)
    {
        JsonNode? node = step;
        foreach (var key in path.Split('.'))
        {
            node = node is JsonObject o ? o[key] : null;
        }
        return node;
    }

    private static ColumnKind KindOf(ResultField f) => f.Type switch
    {
        FieldType.Integer => ColumnKind.Int64,
        FieldType.Double => ColumnKind.Double,
        FieldType.String => ColumnKind.String,
        _ => throw new InvalidOperationException($"result field {f.Path} ({f.Type}) has no plain table column"),
    };

    private static object? Cell(ResultField f, JsonNode? v) => v is null ? null : f.Type switch
    {
        FieldType.Integer => v.GetValue<long>(),
        FieldType.Double => v.GetValue<double>(),
        FieldType.String => v.GetValue<string>(),
        _ => throw new InvalidOperationException($"result field {f.Path} ({f.Type}) has no plain table cell"),
    };
}
