using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Progress;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>One unit of a sweep's work: a run of the plan, repeated <see cref="SweepManifest.Repeat"/> times.</summary>
/// <param name="Run">The run's number in the plan.</param>
/// <param name="Repetition">Which repetition (0-based).</param>
public readonly record struct SweepItem(int Run, int Repetition);

/// <summary>
/// Runs a sweep's missing items on <c>jobs</c> worker threads. Each worker first runs its first item's scenario
/// <c>warmup</c> times unrecorded, so that no recorded run pays for compiling the code it runs; each finished item's
/// document is written at once (atomically); a stop request ends the workers after the items in flight.
/// </summary>
internal sealed class SweepExecution(SweepManifest manifest, SweepPlan plan, IReadOnlyList<SweepRun?> runs, string outDir, IReadOnlyList<string> commandLine)
{
    /// <summary>What a finished item tells the progress display: its line.</summary>
    public delegate string Describe(SweepItem item, ScenarioResult result);

    /// <summary>Runs <paramref name="todo"/>; gives each finished item's document (as written) and each failed item's message, by index into <paramref name="todo"/>.</summary>
    public (JsonObject?[] Docs, string?[] Failures) Run(IReadOnlyList<SweepItem> todo, int jobs, int warmup, StopSignal stop, IProgressSink sink, Describe describe)
    {
        var docs = new JsonObject?[todo.Count];
        var failures = new string?[todo.Count];
        var next = -1;
        var workers = new Thread[Math.Min(jobs, Math.Max(1, todo.Count))];
        // The workers share the cores: a large run's migrate phases take the cores left per worker, not every core each
        // (four threads on two cores would wait on each other's preempted parts).
        var helperThreads = Math.Max(1, Environment.ProcessorCount / workers.Length);
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = new Thread(() =>
            {
                var warmed = false;
                while (!stop.Requested)
                {
                    var k = Interlocked.Increment(ref next);
                    if (k >= todo.Count)
                    {
                        return;
                    }
                    var item = todo[k];
                    var run = runs[item.Run]!;
                    var scenario = run.Scenario with { Machine = run.Scenario.Machine with { HelperThreads = helperThreads } };
                    try
                    {
                        if (!warmed)
                        {
                            warmed = true;
                            for (var i = 0; i < warmup && !stop.Requested; i++)
                            {
                                ScenarioRunner.Run(scenario, manifest.Engine);
                            }
                        }
                        if (stop.Requested)
                        {
                            return; // stopped during the warm-up: this item stays missing, for --resume
                        }
                        var started = DateTime.UtcNow;
                        var result = ScenarioRunner.Run(scenario, manifest.Engine);
                        var doc = result.ToJson();
                        doc["plan"] = manifest.Plan;
                        doc["run"] = run.Id;
                        doc["repetition"] = item.Repetition;
                        doc["parameters"] = Parameters(run);
                        doc["provenance"] = Provenance.Of(manifest.ScenarioSha256, commandLine, started, DateTime.UtcNow);
                        var written = SweepOutput.WriteRun(outDir, item, manifest.Repeat, doc);
                        // The table reads the document as written, as a resumed sweep will: both tabulate alike.
                        docs[k] = JsonNode.Parse(written)!.AsObject();
                        sink.Line(describe(item, result));
                    }
                    catch (Exception e)
                    {
                        // Out of memory included: one run's failure is its line and exit 1, never a stack trace.
                        failures[k] = $"run {run.Id}{Rep(item)} ({plan.Describe(run.ValueIndexes)}): internal error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
                        sink.Line(failures[k]!);
                    }
                    sink.Tick();
                }
            })
            { IsBackground = true, Name = $"sweep worker {w}" };
        }
        foreach (var t in workers)
        {
            t.Start();
        }
        foreach (var t in workers)
        {
            t.Join();
        }
        return (docs, failures);
    }

    /// <summary><c> rep K</c> when the sweep repeats its runs, else empty.</summary>
    public string Rep(SweepItem item) => manifest.Repeat > 1 ? $" rep {item.Repetition}" : "";

    private JsonObject Parameters(SweepRun run)
    {
        var o = new JsonObject();
        for (var p = 0; p < plan.Parameters.Count; p++)
        {
            o[plan.Parameters[p].Path] = plan.Parameters[p].Values[run.ValueIndexes[p]]?.DeepClone();
        }
        return o;
    }
}
