using BenchmarkDotNet.Attributes;
using HmmEcs.Benchmarks.Engine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Benchmarks.Migrate;

/// <summary>
/// Issue 10's warm-migrate targets: the ECS migrate of <see cref="MigratePinnedBenchmarks"/>'s shape (written anon pages,
/// every 64th pinned) beside <see cref="FloorMachine"/>'s phased plain-array floor, at 1M and 8M pages in one run, so the
/// ratio to the floor and the growth of the cost per page from 1M to 8M come from the same machine state.
/// </summary>
[Config(typeof(EngineSingleShotConfig))]
public class MigrateScaleBenchmarks
{
    private IMachine? _machine;
    private FloorMachine? _floor;
    private int _moved;
    private readonly MigrateResult _result = new();

    /// <summary>Pages in the range: 2^20 or 2^23.</summary>
    [Params(1 << 20, 1 << 23)]
    public int Pages { get; set; } = 1 << 20;

    /// <summary>A fresh ECS machine with the written, pinned range (not measured).</summary>
    [IterationSetup(Target = nameof(Ecs))]
    public void SetupEcs()
    {
        _machine?.Dispose();
        _machine = null;
        _floor = null;
        GC.Collect();
        _machine = PinnedRange.Build("ecs", Pages, 2L * Pages, Pages + Pages / 16);
    }

    /// <summary>The ECS engine's migrate of the whole range.</summary>
    [Benchmark]
    public long Ecs()
    {
        PinnedRange.Expect(_machine!.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0"), _result));
        return _result.Migrated;
    }

    /// <summary>The floor back in its written, pinned state (not measured), after checking its last run.</summary>
    [IterationSetup(Target = nameof(FloorPhased))]
    public void SetupFloor()
    {
        _machine?.Dispose();
        _machine = null;
        if (_floor is null || _floor.Pages != Pages)
        {
            _floor = null;
            GC.Collect();
            _floor = new FloorMachine(Pages, 2 * Pages, Pages + Pages / 16, 64);
            _moved = 0;
        }
        if (_moved != 0)
        {
            _floor.Verify(_moved);
        }
        _floor.Reset();
    }

    /// <summary>The same migrate on plain arrays, the helper's phases one pass each.</summary>
    [Benchmark]
    public int FloorPhased() => _moved = _floor!.MigrateInPhases();

    /// <summary>Releases the last machine.</summary>
    [GlobalCleanup]
    public void Cleanup() => _machine?.Dispose();
}
