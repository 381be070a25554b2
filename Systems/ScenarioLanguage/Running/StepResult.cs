using System.Text.Json.Nodes;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Systems.ScenarioLanguage.Running;

/// <summary>
/// The result of one executed step (docs/scenarios.md "Results"): its top-level index, the op, the op's typed
/// result, the wall time, the error, and the expectation misses. A step run inside a <c>repeat</c> also has
/// <see cref="Iteration"/> and <see cref="Inner"/> (both 0-based) of the outermost repeat, and inside nested
/// repeats the deeper levels' pairs in <see cref="Nested"/>. It stays typed: <see cref="ToJson"/> writes
/// the document from <see cref="Fields"/> when one is wanted.
/// </summary>
public sealed class StepResult
{
    internal StepResult(int index, int? iteration, int? inner, string op, OpResult result, FieldGroup fields,
        IReadOnlyList<string> deviceNames, Errno error, double wallMs, IReadOnlyList<(int Iteration, int Inner)>? nested = null)
    {
        Nested = nested ?? [];
        Index = index;
        Iteration = iteration;
        Inner = inner;
        Op = op;
        Result = result is MigrateResult { PageOutcomes.Length: > 0 } m ? m.CountsOnly() : result;
        Fields = fields;
        DeviceNames = deviceNames;
        Error = error;
        WallMs = wallMs;
    }

    /// <summary>Top-level index of the step in the file (a repeat's own index for its inner steps).</summary>
    public int Index { get; }

    /// <summary>Pass of the enclosing repeat (0-based), or null outside a repeat.</summary>
    public int? Iteration { get; }

    /// <summary>Position in the enclosing repeat's body (0-based), or null outside a repeat.</summary>
    public int? Inner { get; }

    /// <summary>(pass, position) in each repeat nested inside the outermost one, outer to inner; empty otherwise.</summary>
    public IReadOnlyList<(int Iteration, int Inner)> Nested { get; }

    /// <summary>Where the step ran: <c>index</c>, or <c>index.iteration.inner</c> (and more pairs in nested repeats).</summary>
    public string Label
    {
        get
        {
            var label = Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (Iteration is { } it)
            {
                label += $".{it}.{Inner}";
                foreach (var (i, n) in Nested)
                {
                    label += $".{i}.{n}";
                }
            }
            return label;
        }
    }

    /// <summary>The op name.</summary>
    public string Op { get; }

    /// <summary>
    /// The op's typed result (zeros when the step failed): <see cref="MigrateResult"/>, <see cref="TouchResult"/>,
    /// <see cref="PageCountResult"/>, <see cref="VerifyResult"/>, <see cref="StatsResult"/>, <see cref="CheckResult"/>,
    /// <see cref="DeviceAccessResult"/>, <see cref="SnapshotResult"/> or <see cref="NoOpResult"/>. A migrate's
    /// per-page outcomes are not kept here (hosts get them from <c>HostSimulation.MigrationCompleted</c>).
    /// </summary>
    public OpResult Result { get; }

    /// <summary>The keys of this step's document, common and op-specific, in document order (see <see cref="ResultFields"/>).</summary>
    public FieldGroup Fields { get; }

    /// <summary>The machine's devices in config order: what <see cref="VerifyResult.Device"/> and the per-device arrays of <see cref="StatsResult"/> are indexed by.</summary>
    public IReadOnlyList<string> DeviceNames { get; }

    /// <summary>The step's error, <see cref="Errno.None"/> on success.</summary>
    public Errno Error { get; }

    /// <summary>Wall-clock time of the machine call, in ms. Timing: differs between runs and engines.</summary>
    public double WallMs { get; }

    /// <summary>The invariant checker's findings after the step when the run checks every step (<c>--check</c>).</summary>
    public CheckResult? Invariants { get; internal set; }

    /// <summary>One message per expectation that did not hold.</summary>
    public List<string> ExpectFailures { get; } = [];

    /// <summary>Violations the checker found for this step: the invariants after it, and a <c>check</c> step's own.</summary>
    public long Violations => (Invariants?.Violations ?? 0) + (Result is CheckResult c ? c.Violations : 0);

    /// <summary>True when every expectation held and no invariant broke.</summary>
    public bool Ok => ExpectFailures.Count == 0 && Violations == 0;

    /// <summary>The error as results print it: the Errno name, or null.</summary>
    public string? ErrorName => Error == Errno.None ? null : Error.ToString();

    /// <summary>The value at a dotted path of the document (<c>reasons.pinned</c>); false for a path that is missing or names an object.</summary>
    public bool TryGet(string path, out FieldValue value)
    {
        if (Fields.TryResolve(this, path, out var node) && node is ResultField f)
        {
            value = f.Read(this);
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>
    /// The step as JSON, keys in docs/scenarios.md's order: index, (iteration, inner, nested), op, op fields,
    /// (invariants), wallMs, error, expectFailures. Without timing, timing fields read 0.
    /// </summary>
    public JsonObject ToJson(bool includeTiming = true) => Fields.ToJson(this, includeTiming);
}
