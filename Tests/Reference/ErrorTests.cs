using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Reference;

/// <summary>EFAULT and ENOMEM: a step that ends in an error changes nothing.</summary>
public class ErrorTests
{
    private static void AssertUnchanged(Rig rig, PageView[] before, StatsResult stats)
    {
        Assert.Equal(before, rig.Inspect("p", "buf", 0, before.Length));
        var now = rig.M.Stats();
        Assert.Equal(stats.RamUsed, now.RamUsed);
        Assert.Equal(stats.DeviceUsed, now.DeviceUsed);
        Assert.Equal(stats.Pinned, now.Pinned);
        Assert.Equal(stats.Locked, now.Locked);
        rig.Clean();
    }

    [Fact]
    public void EfaultForRangesPastTheVma()
    {
        using var rig = new Rig(4096, PayloadMode.Token, new DeviceConfig("gpu0", 64));
        rig.Process("p");
        rig.Mmap("p", "buf", 100);
        rig.Write("p", "buf", 1, count: 50);
        var before = rig.Inspect("p", "buf", 0, 100);
        var stats = rig.M.Stats();
        var past = new PageRange(90, 11);
        Assert.Equal(Errno.EFAULT, rig.M.Touch("p", "buf", past, Access.Read, 0, out _));
        Assert.Equal(Errno.EFAULT, rig.M.Pin("p", "buf", past, 1, true, out _));
        Assert.Equal(Errno.EFAULT, rig.M.Lock("p", "buf", past, 1, true, out _));
        Assert.Equal(Errno.EFAULT, rig.M.SwapOut("p", "buf", past, 1, out _));
        Assert.Equal(Errno.EFAULT, rig.M.Verify("p", "buf", past, VerifyPattern.Seq, 1, new VerifyResult()));
        AssertUnchanged(rig, before, stats);
    }

    [Fact]
    public void EnomemChangesNothing()
    {
        using var rig = new Rig(100, PayloadMode.Token, new DeviceConfig("gpu0", 200));
        rig.Process("p");
        rig.Mmap("p", "buf", 150);
        rig.Write("p", "buf", 1, count: 60);
        Assert.Equal(60, rig.Migrate("p", "buf", "gpu0", count: 60).Migrated);
        rig.Write("p", "buf", 2, first: 60, count: 60);
        rig.SwapOut("p", "buf", first: 60, count: 10);
        var before = rig.Inspect("p", "buf", 0, 150);
        var stats = rig.M.Stats();
        // 50 free frames; bringing back 60 device pages needs 60.
        Assert.Equal(Errno.ENOMEM, rig.M.Touch("p", "buf", new PageRange(0, 60), Access.Read, 0, out _));
        AssertUnchanged(rig, before, stats);
        // 10 swap-ins + 30 holes + 20 device pages = 60 > 50.
        Assert.Equal(Errno.ENOMEM, rig.M.Pin("p", "buf", new PageRange(40, 110), 1, true, out _));
        AssertUnchanged(rig, before, stats);
        Assert.Equal(Errno.ENOMEM, rig.M.Lock("p", "buf", new PageRange(40, 110), 1, true, out _));
        AssertUnchanged(rig, before, stats);
        // Exactly enough: 10 swap-ins + 30 holes + 10 device pages = 50.
        var f = rig.Touch("p", "buf", Access.Read, first: 50, count: 100);
        Assert.Equal(10, f.Device);
        Assert.Equal(10, f.Swap);
        Assert.Equal(30, f.New);
        Assert.Equal(0, rig.M.Stats().RamFree);
    }

    [Fact]
    public void EnomemCountsCowCopies()
    {
        using var rig = new Rig(500, PayloadMode.Token);
        rig.Process("p");
        rig.Mmap("p", "buf", 300);
        rig.Write("p", "buf", 1);
        rig.Ok(rig.M.Fork("p", "c"));
        var before = rig.Inspect("p", "buf", 0, 300);
        var stats = rig.M.Stats();
        Assert.Equal(Errno.ENOMEM, rig.M.Touch("p", "buf", PageRange.All, Access.Write, 2, out _));
        AssertUnchanged(rig, before, stats);
        Assert.Equal(200, rig.Write("p", "buf", 2, count: 200).Cow);
        Assert.Equal(0, rig.M.Stats().RamFree);
        Assert.Equal(0, rig.Verify("c", "buf", 1).Mismatches);
    }

    [Fact]
    public void EnomemCountsAWholeHugePagePerRegion()
    {
        using var rig = new Rig(1024, PayloadMode.Token);
        rig.Process("p");
        rig.Mmap("p", "a", 1);
        rig.Mmap("p", "buf", 1024, thp: true);
        rig.Write("p", "a", 1);
        var before = rig.Inspect("p", "buf", 0, 1024);
        var stats = rig.M.Stats();
        Assert.Equal(Errno.ENOMEM, rig.M.Touch("p", "buf", PageRange.All, Access.Write, 2, out _));
        AssertUnchanged(rig, before, stats);
        Assert.Equal(1, rig.Write("p", "buf", 2, count: 512).New);
        // Region 1 counts 512 frames even for 511 pages of it (the fault would map a huge page): 511 are free.
        Assert.Equal(Errno.ENOMEM, rig.M.Touch("p", "buf", new PageRange(512, 511), Access.Write, 2, out _));
        rig.Clean();
        Assert.Equal(511, rig.M.Stats().RamFree);
    }

    [Fact]
    public void EfaultForWritesToReadOnlyVmas()
    {
        using var rig = new Rig(4096, PayloadMode.Token);
        rig.Process("p");
        rig.Mmap("p", "buf", 10, writable: false);
        Assert.Equal(Errno.EFAULT, rig.M.Touch("p", "buf", PageRange.All, Access.Write, 1, out _));
        Assert.Equal(0, rig.M.Stats().RamUsed);
        var f = rig.Touch("p", "buf", Access.Read);
        Assert.Equal(10, f.New);
        Assert.All(rig.Inspect("p", "buf", 0, 10), v => Assert.False(v.Writable));
    }
}
