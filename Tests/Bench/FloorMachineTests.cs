using HmmEcs.Benchmarks.Migrate;

namespace HmmEcs.Tests.Bench;

/// <summary>The floor benchmark's machine does a migrate's work: pinned pages stay, the rest move with their content.</summary>
public class FloorMachineTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MovesEveryUnpinnedPageWithItsContent(bool fused)
    {
        var m = new FloorMachine(4096, 8192, 5000, 64);
        var moved = fused ? m.MigrateFused() : m.MigrateInPhases();
        Assert.Equal(4096 - 64, moved);
        m.Verify(moved);
        // Reset gives the same run again.
        m.Reset();
        Assert.Equal(moved, fused ? m.MigrateFused() : m.MigrateInPhases());
    }

    [Fact]
    public void VerifyCatchesAWrongCount()
    {
        var m = new FloorMachine(256, 512, 300, 64);
        var moved = m.MigrateInPhases();
        Assert.Throws<InvalidOperationException>(() => m.Verify(moved - 1));
    }
}
