using BenchmarkDotNet.Attributes;
using HmmEcs.Benchmarks.Engine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Benchmarks.Migrate;

/// <summary>
/// Issue #3's speed case: 1,048,576 written anon pages, every 64th pinned, migrated to a device
/// (token payload). One invocation is one migrate step; setup builds a fresh machine each time,
/// because a migrated range cannot migrate again.
/// </summary>
[Config(typeof(EngineSingleShotConfig))]
public class MigratePinnedBenchmarks
{
    private const long Pages = 1_048_576;
    private IMachine? _machine;
    private MigrateResult _result = new();

    /// <summary>Which pipeline runs the migrate.</summary>
    [Params("ecs", "reference")]
    public string Engine { get; set; } = "ecs";

    /// <summary>Builds the machine and the written, pinned range (not measured).</summary>
    [IterationSetup]
    public void Setup()
    {
        // The last machine is collected before the next is built, so every iteration builds on the same
        // heap; otherwise whether the call's large arrays land on recycled or fresh pages changed from
        // one iteration to the next (52-77 ms for the same ECS migrate).
        _machine?.Dispose();
        _machine = null;
        GC.Collect();
        _machine = PinnedRange.Build(Engine, Pages, 2 * Pages, 1_100_000);
        _result = new MigrateResult();
    }

    /// <summary>The migrate step alone.</summary>
    [Benchmark]
    public long Migrate()
    {
        PinnedRange.Expect(_machine!.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0"), _result));
        return _result.Migrated;
    }

    /// <summary>Prints the ECS pipeline's phase times of the iteration (see <see cref="MigrateFloorBenchmarks"/> for the floor's).</summary>
    [IterationCleanup]
    public void PrintPhases()
    {
        if (_machine is not HmmEcs.Systems.EcsEngine.EcsMachine ecs)
        {
            return;
        }
        var line = "// ecs phases (ms):";
        foreach (var phase in ecs.LastMigratePhaseTimes)
        {
            line += $" {phase.Phase}={phase.Microseconds / 1000:F1}";
        }
        Console.WriteLine(line);
    }

    /// <summary>Releases the last machine.</summary>
    [GlobalCleanup]
    public void Cleanup() => _machine?.Dispose();
}
