using BenchmarkDotNet.Attributes;
using HmmEcs.Benchmarks.Engine;

namespace HmmEcs.Benchmarks.Migrate;

/// <summary>
/// The floor under <see cref="MigratePinnedBenchmarks"/>: the same 1M-page migrate (every 64th page
/// pinned, token content) on <see cref="FloorMachine"/>'s plain arrays, once as one fused loop and
/// once as the helper's phases, one pass each. It bounds what any engine that keeps this state and
/// runs the phases in order can reach here, and so what the "10× the reference" target asks.
/// </summary>
[Config(typeof(EngineSingleShotConfig))]
public class MigrateFloorBenchmarks
{
    private const int Pages = 1_048_576;
    private readonly FloorMachine _machine = new(Pages, 2 * Pages, 1_100_000, 64);
    private int _moved;

    /// <summary>Back to the written, pinned state (not measured), after checking the last run.</summary>
    [IterationSetup]
    public void Setup()
    {
        if (_moved != 0)
        {
            _machine.Verify(_moved);
        }
        _machine.Reset();
    }

    /// <summary>All the helper's work per page in one loop.</summary>
    [Benchmark]
    public int Fused() => _moved = _machine.MigrateFused();

    /// <summary>The helper's phases, one pass over the request each.</summary>
    [Benchmark]
    public int Phased() => _moved = _machine.MigrateInPhases();

    /// <summary>Prints the passes' times of a <see cref="Phased"/> iteration (read beside the ECS pipeline's own phase times).</summary>
    [IterationCleanup(Target = nameof(Phased))]
    public void PrintPhases()
    {
        var line = "// floor phases (ms):";
        for (var k = 0; k < FloorMachine.PhaseNames.Length; k++)
        {
            line += $" {FloorMachine.PhaseNames[k]}={_machine.PhaseTicks[k] * 1000.0 / System.Diagnostics.Stopwatch.Frequency:F1}";
        }
        Console.WriteLine(line);
    }
}
