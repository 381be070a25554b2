using HmmEcs.Benchmarks.Engine;
using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

/// <summary>The engine benchmarks do the work they claim (small sizes; the 10M ones are left to the suite).</summary>
public class BenchmarkSmokeTests
{
    [Fact]
    public void IterationBenchmarksMatchThePlainLoops()
    {
        var bench = new EngineIterationBenchmarks { N = 5000 };
        bench.Setup();
        bench.Ecs1();
        bench.Plain1();
        bench.Ecs2();
        bench.Plain2();
        bench.Ecs3();
        bench.Plain3();
        bench.EcsChunkSpans3();
        bench.Plain3();
        var (world, plain) = bench.Checksums();
        Assert.Equal(plain, world);
        Assert.Equal(5000L * 14, world);
        bench.Cleanup();
    }

    [Fact]
    public void StructuralAndBufferBenchmarksRestoreTheirWorlds()
    {
        var bench = new EngineStructuralBenchmarks();
        bench.Setup();
        bench.ArchetypeMovePerEntity();
        Assert.Equal(0, bench.TaggedCount());
        bench.ArchetypeMoveBulk();
        Assert.Equal(0, bench.TaggedCount());
        bench.SetAllBits();
        Assert.Equal(100_000, bench.TaggedCount());
        bench.EnableBitPerEntity();
        Assert.Equal(0, bench.TaggedCount());
        bench.SetAllBits();
        bench.EnableBitPerChunkRow();
        Assert.Equal(0, bench.TaggedCount());
        bench.SetAllBits();
        bench.EnableBitBulk();
        Assert.Equal(0, bench.TaggedCount());
        bench.PlainFlag();
        bench.Cleanup();
        var buffer = new EngineCommandBufferBenchmarks();
        buffer.Setup();
        buffer.RecordAndPlayback();
        Assert.Equal(0, buffer.TaggedCount());
        buffer.Direct();
        Assert.Equal(0, buffer.TaggedCount());
        buffer.Cleanup();
        var create = new EngineCreateBenchmarks();
        create.NewWorld();
        Assert.Equal(1_000_000, create.BulkCreate());
        create.DropWorld();
    }
}
