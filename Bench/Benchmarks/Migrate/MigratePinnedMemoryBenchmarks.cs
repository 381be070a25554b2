using BenchmarkDotNet.Attributes;
using HmmEcs.Benchmarks.Engine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Benchmarks.Migrate;

/// <summary>
/// Issue #3's memory case on the <see cref="MigratePinnedBenchmarks"/> machine: the live managed heap
/// (<c>GC.GetTotalMemory(true)</c>, the whole process: one machine, the caller's result, runtime and
/// BenchmarkDotNet overhead) after setup and after the migrate, printed per iteration as bytes per
/// page entity (RAM frames + device pages = 3,197,152) and per mapped page (1,048,576). The timing
/// columns of this class only repeat <see cref="MigratePinnedBenchmarks"/>; read the printed lines.
/// </summary>
[Config(typeof(EngineSingleShotConfig))]
public class MigratePinnedMemoryBenchmarks
{
    private const long Pages = 1_048_576;
    private const long RamPages = 2 * Pages;
    private const long DevicePages = 1_100_000;
    private IMachine? _machine;
    private MigrateResult _result = new();
    private long _before;

    /// <summary>Which pipeline runs the migrate.</summary>
    [Params("ecs", "reference")]
    public string Engine { get; set; } = "ecs";

    /// <summary>Builds the machine and the written, pinned range, then weighs the heap.</summary>
    [IterationSetup]
    public void Setup()
    {
        _machine?.Dispose();
        _machine = null;
        _result = new MigrateResult();
        GC.Collect();
        _machine = PinnedRange.Build(Engine, Pages, RamPages, DevicePages);
        _before = GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>The migrate step.</summary>
    [Benchmark]
    public long MigrateThenWeigh()
    {
        _machine!.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0"), _result);
        return _result.Migrated;
    }

    /// <summary>Weighs the heap after the migrate (machine and result alive) and prints both figures.</summary>
    [IterationCleanup]
    public void Weigh()
    {
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(_machine);
        const double entities = RamPages + DevicePages;
        Console.WriteLine(
            $"// memory {Engine}: before migrate {_before / entities:F1} B/page entity ({_before / (double)Pages:F1} B/mapped page), " +
            $"after {after / entities:F1} B/page entity ({after / (double)Pages:F1} B/mapped page); heap {_before / 1048576.0:F1} -> {after / 1048576.0:F1} MiB");
    }

    /// <summary>Releases the last machine.</summary>
    [GlobalCleanup]
    public void Cleanup() => _machine?.Dispose();
}
