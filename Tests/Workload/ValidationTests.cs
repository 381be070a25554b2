using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Workload;

/// <summary>docs/validation.md: each published relation the workload op must show, one test per claim.</summary>
public class ValidationTests
{
    /// <summary>Runs one written VMA of <paramref name="pages"/> and a workload over it on a device of <paramref name="devicePages"/>.</summary>
    private static WorkloadResult Run(long pages, long devicePages, string workload)
    {
        var json = $$"""
            { "ram": { "pages": {{pages + 1024}} }, "devices": [ { "name": "gpu0", "pages": {{devicePages}} } ],
              "steps": [
                { "op": "process", "name": "p" },
                { "op": "mmap", "proc": "p", "vma": "a", "pages": {{pages}}, "kind": "anon" },
                { "op": "touch", "proc": "p", "vma": "a", "access": "write" },
                { "op": "workload", "device": "gpu0", "proc": "p", "vma": "a", {{workload}} }
              ] }
            """;
        var result = ScenarioRunner.Run(ScenarioLoader.Parse(json, "validation"), "ecs");
        var step = result.Steps[^1];
        Assert.Null(step.ErrorName);
        return (WorkloadResult)step.Result;
    }

    [Fact]
    public void TreePrefetchCutsStreamBatchesTenfold()
    {
        const string stream = """ "pattern": { "kind": "stream" }, "accesses": 4096 """;
        var none = Run(4096, 8192, stream);
        var tree = Run(4096, 8192, stream + """, "prefetch": "tree" """);
        Assert.Equal(4096, none.Batches);
        Assert.True(none.Batches >= 10 * tree.Batches, $"none {none.Batches} batches, tree {tree.Batches}");
    }

    [Fact]
    public void RandomAccessSpreadsABatchOverBlocks()
    {
        const string batch = """ "accesses": 256, "parallel": 256 """;
        var random = Run(524288, 1024, """ "pattern": { "kind": "random" }, """ + batch);
        var stream = Run(524288, 1024, """ "pattern": { "kind": "stream" }, """ + batch);
        Assert.Equal(1, random.Batches);
        var randomPerBlock = (double)(random.Faults - random.DuplicateFaults) / random.BlocksPerBatch.Max;
        var streamPerBlock = (double)(stream.Faults - stream.DuplicateFaults) / stream.BlocksPerBatch.Max;
        Assert.InRange(randomPerBlock, 1.0, 1.2);
        Assert.True(streamPerBlock >= 100, $"stream: {streamPerBlock} faults per block");
    }

    [Fact]
    public void LruBeatsLeastRecentlyFaultedOnReuse()
    {
        // 4,096 pages on a 3,277-page device: 125% oversubscription.
        const string hotCold = """ "pattern": { "kind": "hot-cold", "hotFraction": 0.5, "hotProbability": 0.9 }, "accesses": 200000, "parallel": 64 """;
        var lru = Run(4096, 3277, hotCold + """, "evict": "lru" """);
        var lrf = Run(4096, 3277, hotCold + """, "evict": "lrf" """);
        Assert.True(3 * lru.Faults <= 2 * lrf.Faults, $"lru {lru.Faults} faults, lrf {lrf.Faults}");
        Assert.True(3 * lru.Evicted <= 2 * lrf.Evicted, $"lru {lru.Evicted} evicted, lrf {lrf.Evicted}");
    }

    [Theory]
    [InlineData(1.10)]
    [InlineData(1.25)]
    [InlineData(1.50)]
    public void LeastRecentlyFaultedEvictsTheReusedOperandOfATiledMatrixMultiply(double oversubscription)
    {
        // C = A x B over three 64 x 64-page matrices (12,288 pages) in 4 x 4 tiles, one whole multiply in 64 streams. A row
        // of C reuses A's row of tiles and all of B: recency of use keeps B and loses only the panels a row leaves behind,
        // so every page migrates once; least recently faulted evicts B, faulted first, while it is still in use.
        const long pages = 3 * 64 * 64;
        const long accesses = 16 * 16 * (2 * 16 + 1) * 16;
        var gemm = $$""" "pattern": { "kind": "tiled", "width": 64, "tile": 4, "reuse": 1, "sweep": "gemm" }, "accesses": {{accesses}}, "parallel": 64, """;
        var device = (long)(pages / oversubscription);
        var lru = Run(pages, device, gemm + """ "evict": "lru" """);
        var lrf = Run(pages, device, gemm + """ "evict": "lrf" """);
        Assert.Equal(pages, lru.MigratedPages);
        Assert.Equal(pages - device, lru.Evicted);
        Assert.True(3 * lrf.MigratedPages >= 4 * lru.MigratedPages, $"lrf migrated {lrf.MigratedPages}, lru {lru.MigratedPages}");
        Assert.True(lrf.Evicted >= 2 * lru.Evicted, $"lrf evicted {lrf.Evicted}, lru {lru.Evicted}");
    }

    [Fact]
    public void ThrashPinningBoundsMigrationUnderOversubscription()
    {
        // 4,096 pages at 125% of the device, four cyclic passes in 64 lockstep streams, least recently migrated eviction:
        // a cyclic sweep larger than the device under a FIFO order misses on every access after the first pass.
        const string cyclic = """ "pattern": { "kind": "stream" }, "accesses": 16384, "parallel": 64, "evict": "lrm", """;
        // A window (1 s) and a pin (300 s) longer than the workload: no run of events breaks and no pin runs out.
        var none = Run(4096, 3277, cyclic + """ "thrash": { "windowUs": 1000000, "action": "none" } """);
        var pin = Run(4096, 3277, cyclic + """ "thrash": { "windowUs": 1000000, "action": "pin" } """);
        // A page's events alternate in, out, in...; the third (an inward fault) pins it for good, so it migrated once.
        Assert.True(pin.MigratedPages <= 4096, $"pin migrated {pin.MigratedPages}");
        Assert.Equal(16384, none.MigratedPages);
        Assert.True(none.ThrashingEvents > 0 && pin.PinnedPages == pin.ThrashingEvents);
        Assert.True(4 * pin.MigratedBytes <= none.MigratedBytes, $"pin {pin.MigratedBytes} bytes, none {none.MigratedBytes}");
    }

    [Theory]
    [InlineData(7447)]
    [InlineData(6554)]
    [InlineData(5461)]
    public void TreePreEvictionWithTreePrefetchBeatsPageLruOnStreaming(long devicePages)
    {
        // 8,192 pages streamed four times on a device 110%, 125% or 150% oversubscribed, 64 lockstep streams.
        const string stream = """ "pattern": { "kind": "stream" }, "accesses": 32768, "parallel": 64, """;
        var treeTree = Run(8192, devicePages, stream + """ "prefetch": "tree", "evict": "tree" """);
        var lruTree = Run(8192, devicePages, stream + """ "prefetch": "tree", "evict": "lru" """);
        var lruNone = Run(8192, devicePages, stream + """ "prefetch": "none", "evict": "lru" """);
        // A cyclic stream larger than the device misses on every block under any recency order: the gain is in the
        // evictions, whole leaves and subtrees in fewer helper calls and copy commands.
        Assert.True(treeTree.EvictUs < lruTree.EvictUs, $"tree {treeTree.EvictUs} µs evicting, lru {lruTree.EvictUs}");
        Assert.True(treeTree.TotalUs < lruTree.TotalUs, $"tree+tree {treeTree.TotalUs} µs, lru+tree {lruTree.TotalUs}");
        Assert.True(5 * treeTree.TotalUs <= 4 * lruNone.TotalUs, $"tree+tree {treeTree.TotalUs} µs, lru {lruNone.TotalUs}");
    }
}
