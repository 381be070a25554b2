using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Tables;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// The sweep table: one row per (run, step) for every step whose op has counters (touch, pin…, swapout, migrate,
/// verify, stats, check, the mirror ops), with the run's identity, every sweep parameter (a column named by its
/// path), the machine's build time (<c>setupMs</c>), the step's position and <c>op</c>, and the union of those ops' result fields, each named by its dotted
/// result path (<c>reasons.pinned</c>, <c>faults.new</c>, <c>resident.gpu0</c>) and typed as the registry
/// (<see cref="ResultFields"/>) declares it; a field the row's op does not have is null. Steps outside a repeat have
/// <c>iteration</c> and <c>inner</c> -1.
/// </summary>
public sealed class StepRows
{
    /// <summary>The identity and position columns every table starts with, before the parameters and after them.</summary>
    private static readonly TableColumn[] Head =
        [new("run", ColumnKind.Int64), new("repetition", ColumnKind.Int64), new("scenario", ColumnKind.String), new("engine", ColumnKind.String), new("seed", ColumnKind.Int64)];

    private static readonly TableColumn[] Position = [new("setupMs", ColumnKind.Double), new("step", ColumnKind.Int64), new("iteration", ColumnKind.Int64), new("inner", ColumnKind.Int64), new("op", ColumnKind.String)];

    private static readonly TableColumn[] Tail = [new("expectFailures", ColumnKind.Int64), new("expectFailureText", ColumnKind.String), new("runOk", ColumnKind.Int64)];

    private readonly HashSet<string> _ops;
    private readonly IReadOnlyList<ResultField> _fields;

    // Columns titled by their own name although a result field may share it: a table's sweep parameters.
    private readonly HashSet<string> _named = new(StringComparer.Ordinal);

    /// <summary>The table shape for steps with <paramref name="ops"/> on machines with <paramref name="devices"/>.</summary>
    public StepRows(IReadOnlyList<SweepParameter> parameters, IEnumerable<string> ops, IReadOnlyList<string> devices)
    {
        _ops = [];
        var fields = new List<ResultField>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            foreach (var f in new FieldGroup("", ResultFields.ForOp(op, devices)).Leaves())
            {
                if (KindOf(f) is not null)
                {
                    _ops.Add(op);
                    if (seen.Add(f.Path))
                    {
                        fields.Add(f);
                    }
                }
            }
        }
        fields.Add(ResultFields.WallMs);
        fields.Add(ResultFields.Error);
        _fields = fields;
        var columns = new List<TableColumn>(Head);
        var taken = new HashSet<string>([.. Head.Select(c => c.Name), .. Position.Select(c => c.Name), .. fields.Select(f => f.Path), .. Tail.Select(c => c.Name)], StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            // A parameter path equal to another column's name (seed) is named set.PATH.
            var name = taken.Contains(p.Path) ? $"set.{p.Path}" : p.Path;
            columns.Add(new TableColumn(name, p.ColumnKind));
            _named.Add(name);
        }
        columns.AddRange(Position);
        foreach (var f in fields)
        {
            columns.Add(new TableColumn(f.Path, KindOf(f)!.Value));
        }
        columns.AddRange(Tail);
        Columns = columns;
    }

    /// <summary>The shape for every run of a sweep: the ops of all its runs' steps (repeat bodies included), the devices of its first run.</summary>
    public static StepRows For(IReadOnlyList<SweepParameter> parameters, IEnumerable<Scenario> runs)
    {
        var ops = new List<string>();
        IReadOnlyList<string>? devices = null;
        foreach (var s in runs)
        {
            devices ??= [.. s.Machine.DeviceList.Select(d => d.Name)];
            Collect(s.Steps, ops);
        }
        return new StepRows(parameters, ops, devices ?? []);
    }

    /// <summary>The shape that titles a table read back from a file: every op's fields, the devices its column names show.</summary>
    public static StepRows ForTable(ResultTable table)
    {
        var devices = new List<string>();
        foreach (var c in table.Columns)
        {
            var parts = c.Name.Split('.');
            var device = parts switch
            {
                ["resident", var d] when d is not ("hole" or "ram" or "swap") => d,
                ["devices", var d, _] => d,
                _ => null,
            };
            if (device is not null && !devices.Contains(device))
            {
                devices.Add(device);
            }
        }
        var rows = new StepRows([], StepParser.Ops, devices);
        // The sweep parameters sit between the identity columns and setupMs (see the class summary).
        var first = table.IndexOf(Head[^1].Name) + 1;
        var end = table.IndexOf(Position[0].Name);
        for (var c = first; first > 0 && c < end; c++)
        {
            rows._named.Add(table.Columns[c].Name);
        }
        return rows;
    }

    /// <summary>The columns in order.</summary>
    public IReadOnlyList<TableColumn> Columns { get; }

    /// <summary>
    /// An axis title for a column: the registry's title and unit for a result column (<c>copy.deviceTimeUs</c>
    /// reads "device time of the copy (µs)"), the name itself for any other (parameters, identity).
    /// </summary>
    public string AxisTitle(string column)
    {
        if (_named.Contains(column))
        {
            return column;
        }
        foreach (var f in _fields)
        {
            if (f.Path == column)
            {
                return f.AxisTitle;
            }
        }
        return column;
    }

    /// <summary>
    /// Appends one row per counted step of a run's result document (<c>hmmecs run --json</c>'s format): the same
    /// source for a run just finished and one a resumed sweep finds on disk, so both tabulate alike.
    /// </summary>
    public void Append(ResultTable table, int runId, JsonObject doc, IReadOnlyList<object?> parameterCells)
    {
        var runOk = doc["ok"]!.GetValue<bool>() ? 1L : 0L;
        foreach (var node in doc["steps"]!.AsArray())
        {
            var s = node!.AsObject();
            var op = s["op"]!.GetValue<string>();
            if (!_ops.Contains(op))
            {
                continue;
            }
            var row = new List<object?>
            {
                (long)runId, doc["repetition"]?.GetValue<long>() ?? 0L, doc["scenario"]!.GetValue<string>(), doc["engine"]!.GetValue<string>(), doc["seed"]!.GetValue<long>(),
            };
            row.AddRange(parameterCells);
            row.Add(doc["setupMs"]!.GetValue<double>());
            row.Add(s["index"]!.GetValue<long>());
            row.Add(s[ResultFields.Iteration.Key]?.GetValue<long>() ?? -1L);
            row.Add(s[ResultFields.Inner.Key]?.GetValue<long>() ?? -1L);
            row.Add(op);
            foreach (var f in _fields)
            {
                row.Add(Cell(f, At(s, f.Path)));
            }
            var misses = s["expectFailures"]?.AsArray() ?? [];
            row.Add((long)misses.Count);
            row.Add(misses.Count == 0 ? null : string.Join("; ", misses.Select(m => m!.GetValue<string>())));
            row.Add(runOk);
            table.Add([.. row]);
        }
    }

    private static void Collect(IReadOnlyList<ScenarioStep> steps, List<string> ops)
    {
        foreach (var step in steps)
        {
            if (step is RepeatStep r)
            {
                Collect(r.Body, ops);
            }
            else if (!ops.Contains(step.Op))
            {
                ops.Add(step.Op);
            }
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

    private static ColumnKind? KindOf(ResultField f) => f.Type switch
    {
        FieldType.Integer => ColumnKind.Int64,
        FieldType.Double => ColumnKind.Double,
        FieldType.String => ColumnKind.String,
        _ => null,
    };

    /// <summary>
    /// The cell of column <paramref name="f"/> for one step: empty where the step has no value at that path — none
    /// at all, or an object (a touch's <c>faults</c> is an object, a device-read's a count: one column, two shapes).
    /// </summary>
    private static object? Cell(ResultField f, JsonNode? v) => v is not JsonValue ? null : f.Type switch
    {
        FieldType.Integer => v.GetValue<long>(),
        FieldType.Double => v.GetValue<double>(),
        FieldType.String => v.GetValue<string>(),
        _ => throw new InvalidOperationException($"result field {f.Path} ({f.Type}) has no plain table cell"),
    };
}
