using System.Text.Json.Nodes;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ScenarioLanguage.Running;

/// <summary>
/// The result of one executed step (SCENARIOS.md "Results"): its top-level index, the op, the
/// op-specific fields, the wall time, the error, and the expectation misses. A step run inside a
/// <c>repeat</c> also has <see cref="Iteration"/> and <see cref="Inner"/> (both 0-based) of the
/// outermost repeat, and inside nested repeats the deeper levels' pairs in <see cref="Nested"/>.
/// </summary>
public sealed class StepResult
{
    /// <summary>Dotted paths of op-specific fields that are timing, not outcome: engines may differ there.</summary>
    public static readonly IReadOnlyList<string> TimingFields = ["copy.deviceTimeUs"];

    internal StepResult(int index, int? iteration, int? inner, string op, JsonObject fields, Errno error, double wallMs,
        IReadOnlyList<(int Iteration, int Inner)>? nested = null)
    {
        Nested = nested ?? [];
        Index = index;
        Iteration = iteration;
        Inner = inner;
        Op = op;
        Fields = fields;
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

    /// <summary>Op-specific result fields in result order (zeros when the step failed).</summary>
    public JsonObject Fields { get; }

    /// <summary>The step's error, <see cref="Errno.None"/> on success.</summary>
    public Errno Error { get; }

    /// <summary>Wall-clock time of the machine call, in ms. Timing: differs between runs and engines.</summary>
    public double WallMs { get; }

    /// <summary>The invariant checker's findings after the step when the run checks every step (<c>--check</c>).</summary>
    public CheckResult? Invariants { get; internal set; }

    /// <summary>One message per expectation that did not hold.</summary>
    public List<string> ExpectFailures { get; } = [];

    /// <summary>Violations the checker found for this step: the invariants after it, and a <c>check</c> step's own.</summary>
    public long Violations =>
        (Invariants?.Violations ?? 0) + (Op == "check" && Fields["violations"] is JsonValue v ? v.GetValue<long>() : 0);

    /// <summary>True when every expectation held and no invariant broke.</summary>
    public bool Ok => ExpectFailures.Count == 0 && Violations == 0;

    /// <summary>The error as results print it: the Errno name, or null.</summary>
    public string? ErrorName => Error == Errno.None ? null : Error.ToString();

    /// <summary>
    /// The step as JSON, keys in SCENARIOS.md's order: index, (iteration, inner), op, op fields,
    /// (invariants), wallMs, error, expectFailures. Without timing, timing fields read 0.
    /// </summary>
    public JsonObject ToJson(bool includeTiming = true)
    {
        var o = new JsonObject { ["index"] = Index };
        if (Iteration is { } it)
        {
            o["iteration"] = it;
            o["inner"] = Inner;
            if (Nested.Count > 0)
            {
                var levels = new JsonArray();
                foreach (var (i, n) in Nested)
                {
                    levels.Add(new JsonObject { ["iteration"] = i, ["inner"] = n });
                }
                o["nested"] = levels;
            }
        }
        o["op"] = Op;
        foreach (var (key, value) in Fields)
        {
            o[key] = value?.DeepClone();
        }
        if (!includeTiming)
        {
            foreach (var path in TimingFields)
            {
                ZeroTiming(o, path);
            }
        }
        if (Invariants is { } inv)
        {
            o["invariants"] = CheckJson(inv);
        }
        o["wallMs"] = includeTiming ? WallMs : 0.0;
        o["error"] = ErrorName;
        var misses = new JsonArray();
        foreach (var m in ExpectFailures)
        {
            misses.Add(m);
        }
        o["expectFailures"] = misses;
        return o;
    }

    /// <summary>The <c>violations</c>/<c>details</c> object of a checker result.</summary>
    public static JsonObject CheckJson(CheckResult check)
    {
        var details = new JsonArray();
        foreach (var d in check.Details)
        {
            details.Add(d);
        }
        return new JsonObject { ["violations"] = check.Violations, ["details"] = details };
    }

    private static void ZeroTiming(JsonObject o, string path)
    {
        var parts = path.Split('.');
        JsonObject? at = o;
        for (var i = 0; i < parts.Length - 1 && at is not null; i++)
        {
            at = at[parts[i]] as JsonObject;
        }
        if (at is not null && at.ContainsKey(parts[^1]))
        {
            at[parts[^1]] = 0.0;
        }
    }
}
