using HmmEcs.Benchmarks.Migrate;

namespace HmmEcs.Tests.Bench;

/// <summary>The migrate benchmarks added for issue 10 do the work they claim (at small sizes where they allow it).</summary>
public class MigrateBenchmarkSmokeTests
{
    [Fact]
    public void TheScaleBenchmarkMigratesAndItsFloorVerifies()
    {
        var bench = new MigrateScaleBenchmarks { Pages = 4096 };
        bench.SetupEcs();
        Assert.Equal(4096 - 4096 / 64, bench.Ecs());
        bench.SetupFloor();
        Assert.Equal(4096 - 4096 / 64, bench.FloorPhased());
        // The next setup checks the floor's last run page by page before resetting it.
        bench.SetupFloor();
        Assert.Equal(4096 - 4096 / 64, bench.FloorPhased());
        bench.Cleanup();
    }

    [Fact]
    public void SmallCallsMigrateTheWholeRange()
    {
        var bench = new MigrateSmallCallsBenchmarks { PagesPerCall = 512 };
        bench.Setup();
        // Migrate itself throws unless the calls together moved every unpinned page.
        Assert.Equal(1_048_576 - 1_048_576 / 64, bench.Migrate());
        bench.Cleanup();
    }
}
