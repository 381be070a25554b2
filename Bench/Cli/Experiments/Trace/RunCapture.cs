using System.Diagnostics;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Cli.Experiments.Trace;

/// <summary>
/// Everything a report or a trace needs about one run: the machine config, each step's result with its
/// wall-clock start and end (µs since the run began), and the recorded migrations matched to their steps.
/// </summary>
public sealed class RunCapture
{
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly List<(StepResult Step, double StartUs, double EndUs)> _steps = [];

    /// <summary>A capture of a run on <paramref name="machine"/> (wrap the engine in it before running).</summary>
    public RunCapture(RecordingMachine machine)
    {
        Machine = machine;
    }

    /// <summary>The recording machine the run used.</summary>
    public RecordingMachine Machine { get; }

    /// <summary>The machine's configuration.</summary>
    public MachineConfig Config => Machine.Config;

    /// <summary>Executed steps in order with their wall-clock window.</summary>
    public IReadOnlyList<(StepResult Step, double StartUs, double EndUs)> Steps => _steps;

    /// <summary>The runner's per-step callback: call it as each step completes.</summary>
    public void OnStep(StepResult step)
    {
        var end = Stopwatch.GetElapsedTime(_origin).TotalMicroseconds;
        var start = Math.Max(_steps.Count == 0 ? 0 : _steps[^1].EndUs, end - step.WallMs * 1000);
        _steps.Add((step, start, end));
    }

    /// <summary>The migrate steps with their recorded calls, in order.</summary>
    public IEnumerable<(StepResult Step, double StartUs, MigrateRecord? Record)> Migrations()
    {
        var k = 0;
        foreach (var (step, start, _) in _steps)
        {
            if (step.Op == "migrate")
            {
                yield return (step, start, k < Machine.Migrations.Count ? Machine.Migrations[k] : null);
                k++;
            }
        }
    }

    /// <summary>A step's label: <c>3</c>, or <c>3.1.0</c> inside a repeat (index.pass.inner).</summary>
    public static string Label(StepResult s) => s.Label;
}
