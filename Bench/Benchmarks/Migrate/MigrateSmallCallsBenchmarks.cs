using BenchmarkDotNet.Attributes;
using HmmEcs.Benchmarks.Engine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Benchmarks.Migrate;

/// <summary>
/// Issue 10's small-call case: the 1,048,576-page range of <see cref="MigratePinnedBenchmarks"/> (every 64th page
/// pinned) migrated as one call or as 2,048 calls of 512 pages, one 2 MiB block each, as a device fault handler
/// issues them. The target: the small calls cost at most 1.3× the one call.
/// </summary>
[Config(typeof(EngineSingleShotConfig))]
public class MigrateSmallCallsBenchmarks
{
    private const long Pages = 1_048_576;
    private IMachine? _machine;
    private MigrateRequest[] _requests = [];
    private readonly MigrateResult _result = new();

    /// <summary>Pages per call: the whole range, or one 2 MiB block.</summary>
    [Params(1_048_576, 512)]
    public int PagesPerCall { get; set; } = 512;

    /// <summary>Which pipeline runs the migrate.</summary>
    [Params("ecs")]
    public string Engine { get; set; } = "ecs";

    /// <summary>Builds the machine and the written, pinned range (not measured).</summary>
    [IterationSetup]
    public void Setup()
    {
        _machine?.Dispose();
        _machine = null;
        GC.Collect();
        _machine = PinnedRange.Build(Engine, Pages, 2 * Pages, 1_100_000);
        _requests = new MigrateRequest[Pages / PagesPerCall];
        for (var c = 0; c < _requests.Length; c++)
        {
            _requests[c] = new MigrateRequest("p", "buf", new PageRange((long)c * PagesPerCall, PagesPerCall), "gpu0");
        }
    }

    /// <summary>Every call of the range, in address order.</summary>
    [Benchmark]
    public long Migrate()
    {
        long migrated = 0;
        foreach (var request in _requests)
        {
            PinnedRange.Expect(_machine!.Migrate(request, _result));
            migrated += _result.Migrated;
        }
        if (migrated != Pages - Pages / 64)
        {
            throw new InvalidOperationException($"migrated {migrated} pages");
        }
        return migrated;
    }

    /// <summary>Releases the last machine.</summary>
    [GlobalCleanup]
    public void Cleanup() => _machine?.Dispose();
}
