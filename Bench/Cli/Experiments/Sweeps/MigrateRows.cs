using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Tables;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// The sweep table: one row per (run, migrate step) with the run's identity, every sweep parameter (a column
/// named by its path) and every result field of the step, named by its dotted result path (<c>reasons.pinned</c>,
/// <c>copy.pages</c>). Steps outside a repeat have <c>iteration</c> and <c>inner</c> -1.
/// </summary>
public static class MigrateRows
{
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
        columns.Add(new("requested", ColumnKind.Int64));
        columns.Add(new("migrated", ColumnKind.Int64));
        for (var r = 1; r < MigrateReasons.Count; r++)
        {
            columns.Add(new($"reasons.{((MigrateReason)r).Key()}", ColumnKind.Int64));
        }
        columns.Add(new("tlbFlushes", ColumnKind.Int64));
        columns.Add(new("copy.pages", ColumnKind.Int64));
        columns.Add(new("copy.bytes", ColumnKind.Int64));
        columns.Add(new("copy.batches", ColumnKind.Int64));
        columns.Add(new("copy.deviceTimeUs", ColumnKind.Double));
        columns.Add(new("wallMs", ColumnKind.Double));
        columns.Add(new("error", ColumnKind.String));
        columns.Add(new("expectFailures", ColumnKind.Int64));
        columns.Add(new("runOk", ColumnKind.Int64));
        return columns;
    }

    /// <summary>Names that a parameter column may not take; a path equal to one (<c>seed</c>) gets the prefix <c>set.</c>.</summary>
    public static readonly IReadOnlyList<string> FixedNames =
    [
        "run", "scenario", "engine", "seed", "step", "iteration", "inner", "requested", "migrated", "tlbFlushes",
        "wallMs", "error", "expectFailures", "runOk",
    ];

    /// <summary>The column name of a parameter path: the path itself, or <c>set.PATH</c> where it would repeat a fixed column.</summary>
    public static string ColumnName(string path) => FixedNames.Contains(path) ? $"set.{path}" : path;

    /// <summary>Appends one row per migrate step of <paramref name="result"/>.</summary>
    public static void Append(ResultTable table, int runId, ScenarioResult result, IReadOnlyList<object?> parameterCells)
    {
        var runOk = result.Ok ? 1L : 0L;
        foreach (var s in result.Steps)
        {
            if (s.Op != "migrate")
            {
                continue;
            }
            var f = s.Fields;
            var row = new List<object?> { (long)runId, result.Scenario, result.Engine, (long)result.Seed };
            row.AddRange(parameterCells);
            row.Add((long)s.Index);
            row.Add((long)(s.Iteration ?? -1));
            row.Add((long)(s.Inner ?? -1));
            row.Add(Long(f["requested"]));
            row.Add(Long(f["migrated"]));
            for (var r = 1; r < MigrateReasons.Count; r++)
            {
                row.Add(Long(f["reasons"]?[((MigrateReason)r).Key()]));
            }
            row.Add(Long(f["tlbFlushes"]));
            row.Add(Long(f["copy"]?["pages"]));
            row.Add(Long(f["copy"]?["bytes"]));
            row.Add(Long(f["copy"]?["batches"]));
            row.Add(f["copy"]?["deviceTimeUs"] is JsonValue t ? t.GetValue<double>() : 0.0);
            row.Add(s.WallMs);
            row.Add(s.ErrorName);
            row.Add((long)s.ExpectFailures.Count);
            row.Add(runOk);
            table.Add([.. row]);
        }
    }

    private static long Long(JsonNode? n) => n is JsonValue v ? v.GetValue<long>() : 0;
}
