using HmmEcs.Cli.Experiments.Output;
using System.Text.Json;
using System.Text.Json.Nodes;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Cli.Experiments.Trace;

/// <summary>
/// A Chrome trace-event document (<c>{"traceEvents":[…]}</c>, times in µs) that Perfetto and chrome://tracing
/// open as is. Process 1 is the simulator on the wall clock: track 1 has one "X" event per step, track 2 the
/// per-phase times of each migrate where the engine exposes them, and "C" counter events show each touch's
/// faults. Process 2 is the copy engines in model time: one track per engine, one "X" event per copy command
/// (as the ECS copy engine issued it, or rebuilt from the copy-engine model; see <see cref="CopyTimeline"/>), placed at the start of its migrate step or, when
/// the device's previous copies are still running in model time, when they end.
/// </summary>
public static class ChromeTrace
{
    private const int SimPid = 1, CopyPid = 2, StepTid = 1, PhaseTid = 2;

    /// <summary>The fault counter's keys, all 0: the counter drops back when the touch ends.</summary>
    private static readonly JsonObject NoFaults = new(ResultFields.Faults.Leaves().Select(f => KeyValuePair.Create(f.Key, (JsonNode?)0)));

    /// <summary>The trace of a captured run.</summary>
    public static JsonObject Build(RunCapture run, ScenarioResult result)
    {
        var events = new JsonArray
        {
            Meta("process_name", SimPid, 0, $"hmmecs {result.Scenario} ({result.Engine}, wall clock)"),
            Meta("thread_name", SimPid, StepTid, "steps"),
            Meta("process_name", CopyPid, 0, "copy engines (model time, from each migrate's start)"),
        };
        var phasesNamed = false;
        foreach (var (step, start, end) in run.Steps)
        {
            var args = step.ToJson();
            events.Add(Complete($"{step.Op} #{RunCapture.Label(step)}", "step", SimPid, StepTid, start, Math.Max(end - start, 0.001), args));
            if (step.Result is TouchResult)
            {
                events.Add(Counter("faults", SimPid, start, ResultFields.Faults.ToJson(step)));
                events.Add(Counter("faults", SimPid, end, NoFaults));
            }
        }
        var enginesNamed = new HashSet<string>(StringComparer.Ordinal);
        var tidOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var deviceFree = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (step, start, record) in run.Migrations())
        {
            if (record is null)
            {
                continue;
            }
            if (record.Phases.Count > 0)
            {
                if (!phasesNamed)
                {
                    events.Add(Meta("thread_name", SimPid, PhaseTid, "migrate phases"));
                    phasesNamed = true;
                }
                var t = start;
                foreach (var ph in record.Phases)
                {
                    events.Add(Complete(ph.Phase, "phase", SimPid, PhaseTid, t, Math.Max(ph.Microseconds, 0.001), new JsonObject { ["step"] = RunCapture.Label(step) }));
                    t += ph.Microseconds;
                }
            }
            var copy = ((MigrateResult)step.Result).Copy;
            var timeline = CopyTimeline.Build(run.Config, record, copy.Pages, copy.Batches, ResultFields.CopyDeviceTimeUs.Read(step).Number);
            if (timeline is null)
            {
                continue;
            }
            for (var e = 0; e < timeline.Engines; e++)
            {
                var key = $"{timeline.Device}/{e}";
                if (!tidOf.TryGetValue(key, out var tid))
                {
                    tid = tidOf.Count + 1;
                    tidOf[key] = tid;
                }
                if (enginesNamed.Add(key))
                {
                    events.Add(Meta("thread_name", CopyPid, tid, $"{timeline.Device} engine {e}"));
                }
            }
            // An engine finishes one submission before the next: a copy starts at its migrate's start or when the
            // device's previous copies end, whichever is later, so slices on one track never overlap.
            var origin = Math.Max(start, deviceFree.GetValueOrDefault(timeline.Device));
            var finish = origin;
            for (var c = 0; c < timeline.Commands.Count; c++)
            {
                var cmd = timeline.Commands[c];
                finish = Math.Max(finish, origin + cmd.StartUs + Math.Max(cmd.DurationUs, 0.001));
                var name = timeline.Exact ? $"copy {cmd.Pages} pages" : $"copy {cmd.Pages} pages ({copy.Batches} commands; per-command list not rebuilt)";
                events.Add(Complete(name, "copy", CopyPid, tidOf[$"{timeline.Device}/{cmd.Engine}"], origin + cmd.StartUs, Math.Max(cmd.DurationUs, 0.001), new JsonObject
                {
                    ["step"] = RunCapture.Label(step),
                    ["command"] = c,
                    ["firstPage"] = cmd.FirstPage,
                    ["pages"] = cmd.Pages,
                    ["exact"] = timeline.Exact,
                }));
            }
            deviceFree[timeline.Device] = finish;
        }
        return new JsonObject { ["traceEvents"] = events, ["displayTimeUnit"] = "ms" };
    }

    /// <summary>The trace of a captured run as one line of JSON (the caller writes it to its file or stream).</summary>
    public static string Text(RunCapture run, ScenarioResult result) =>
        Build(run, result).ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    private static JsonNode Meta(string what, int pid, int tid, string name) => new JsonObject
    {
        ["name"] = what, ["ph"] = "M", ["pid"] = pid, ["tid"] = tid, ["args"] = new JsonObject { ["name"] = name },
    };

    private static JsonNode Complete(string name, string cat, int pid, int tid, double ts, double dur, JsonObject args) => new JsonObject
    {
        ["name"] = name, ["cat"] = cat, ["ph"] = "X", ["pid"] = pid, ["tid"] = tid,
        ["ts"] = Math.Round(ts, 3), ["dur"] = Math.Round(dur, 3), ["args"] = args,
    };

    private static JsonNode Counter(string name, int pid, double ts, JsonObject values) => new JsonObject
    {
        ["name"] = name, ["ph"] = "C", ["pid"] = pid, ["tid"] = StepTid, ["ts"] = Math.Round(ts, 3), ["args"] = values.DeepClone(),
    };
}
