using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Ecs;

/// <summary>The simulated kernel around the helper: swap, fork, pins, locks, mprotect, munmap, ENOMEM.</summary>
public class KernelOpsTests
{
    [Fact]
    public void SwapOutTakesOnlyExclusiveUnpinnedUnlockedSmallAnonPages()
    {
        using var m = MachineDsl.Machine(65536);
        m.CreateProcess("p");
        m.Mmap("p", "a", 64, VmaKind.Anon, true, false);
        m.Mmap("p", "f", 8, VmaKind.File, true, false);
        m.Mmap("p", "t", 512, VmaKind.Anon, true, true);
        m.Touch("p", "a", Access.Write, 1);
        m.Touch("p", "f", Access.Write, 1);
        m.Touch("p", "t", Access.Write, 1);
        m.Pin("p", "a", new PageRange(0, 8), 1, true, out _);
        m.Lock("p", "a", new PageRange(8, 8), 1, true, out _);
        Assert.Equal(Errno.None, m.SwapOut("p", "a", PageRange.All, 1, out var swapped));
        Assert.Equal(48, swapped);
        Assert.Equal(Errno.None, m.SwapOut("p", "f", PageRange.All, 1, out swapped));
        Assert.Equal(0, swapped);
        Assert.Equal(Errno.None, m.SwapOut("p", "t", PageRange.All, 1, out swapped));
        Assert.Equal(0, swapped);
        var s = m.Stats();
        Assert.Equal(8, s.Pinned);
        Assert.Equal(8, s.Locked);
        Assert.Equal(16 + 8 + 512, s.RamUsed);
        m.AssertClean();
        var f = m.Touch("p", "a", Access.Write, 2);
        Assert.Equal(48, f.Swap);
        Assert.Equal(0, f.Cow);
        Assert.Equal(0, m.Verify("p", "a", VerifyPattern.Seq, 2).Mismatches);
        m.AssertClean();
    }

    [Fact]
    public void ForkSharesSwapSlotsAndSwapInIsPrivate()
    {
        using var m = MachineDsl.Machine(65536);
        m.CreateProcess("p");
        m.Mmap("p", "a", 32, VmaKind.Anon, true, false);
        m.Touch("p", "a", Access.Write, 1);
        m.SwapOut("p", "a", PageRange.All, 1, out _);
        m.Fork("p", "c");
        m.AssertClean();
        var f = m.Touch("c", "a", Access.Write, 5);
        Assert.Equal(32, f.Swap);
        // The slot still has the parent: the swapped-in page maps read-only, and the write reuses it.
        Assert.Equal(32, f.Cow);
        var v = m.Verify("p", "a", VerifyPattern.Seq, 1);
        Assert.Equal(32, v.Swap);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(32, m.Stats().RamUsed);
        m.Touch("p", "a", Access.Read);
        // As 2016's do_swap_page: a read fault maps the swapped-in page read-only (mainline maps an exclusive page writable).
        Assert.All(m.Views("p", "a", 0, 32), x => Assert.False(x.Writable));
        Assert.Equal(32, m.Touch("p", "a", Access.Write, 1).Cow);
        m.AssertClean();
    }

    [Fact]
    public void MprotectReadOnlyClearsWriteBitsAndReadWriteLeavesThem()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 64));
        m.CreateProcess("p");
        m.Mmap("p", "a", 16, VmaKind.Anon, true, false);
        m.Touch("p", "a", Access.Write, 1);
        m.Migrate("p", "a", "gpu0", 0, 8);
        Assert.Equal(Errno.None, m.Mprotect("p", "a", false));
        Assert.All(m.Views("p", "a", 0, 16), x => Assert.False(x.Writable));
        Assert.Equal(Errno.EFAULT, m.Touch("p", "a", PageRange.All, Access.Write, 2, out _));
        Assert.Equal(0, m.Verify("p", "a", VerifyPattern.Seq, 1).Mismatches);
        m.Mprotect("p", "a", true);
        Assert.All(m.Views("p", "a", 0, 16), x => Assert.False(x.Writable));
        var f = m.Touch("p", "a", Access.Write, 2);
        Assert.Equal(8, f.Device);
        Assert.Equal(16, f.Cow);
        Assert.Equal(16, m.Stats().RamUsed);
        // A migration keeps the read-only bit of an entry.
        m.Mprotect("p", "a", false);
        m.Migrate("p", "a", "gpu0");
        Assert.All(m.Views("p", "a", 0, 16), x => Assert.False(x.Writable));
        m.AssertClean();
    }

    [Fact]
    public void MunmapFreesPagesDevicePagesAndSwapButNotPinnedPages()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 64));
        m.CreateProcess("p");
        m.Mmap("p", "a", 48, VmaKind.Anon, true, false);
        m.Touch("p", "a", Access.Write, 1);
        m.Pin("p", "a", new PageRange(0, 4), 1, true, out _);
        m.Migrate("p", "a", "gpu0", 16, 16);
        m.SwapOut("p", "a", new PageRange(32, 16), 1, out _);
        Assert.Equal(Errno.None, m.Munmap("p", "a"));
        var s = m.Stats();
        Assert.Equal(4, s.RamUsed);
        Assert.Equal(4, s.Pinned);
        Assert.Equal(0, s.DeviceUsed[0]);
        m.AssertClean();
    }

    [Fact]
    public void FilePageCacheOutlivesAMappingUntilTheLastOneGoes()
    {
        using var m = MachineDsl.Machine(65536);
        m.CreateProcess("p");
        m.Mmap("p", "f", 16, VmaKind.File, true, false);
        m.Touch("p", "f", Access.Write, 1, 0, 8);
        m.Fork("p", "c");
        Assert.Equal(Errno.None, m.Munmap("p", "f"));
        Assert.Equal(8, m.Stats().RamUsed);
        Assert.Equal(0, m.Verify("c", "f", VerifyPattern.Seq, 1, 0, 8).Mismatches);
        var f = m.Touch("c", "f", Access.Read);
        Assert.Equal(8, f.New);
        Assert.Equal(Errno.None, m.Munmap("c", "f"));
        Assert.Equal(0, m.Stats().RamUsed);
        m.AssertClean();
    }

    [Fact]
    public void FailingStepsChangeNothing()
    {
        using var m = MachineDsl.Machine(100);
        m.CreateProcess("p");
        m.Mmap("p", "a", 80, VmaKind.Anon, true, false);
        m.Mmap("p", "b", 40, VmaKind.Anon, true, false);
        m.Mmap("p", "r", 4, VmaKind.Anon, false, false);
        m.Touch("p", "a", Access.Write, 1);
        Assert.Equal(Errno.ENOMEM, m.Touch("p", "b", PageRange.All, Access.Write, 1, out var f));
        Assert.Equal(0, f.New);
        Assert.Equal(Errno.ENOMEM, m.Pin("p", "b", PageRange.All, 1, true, out _));
        Assert.Equal(Errno.EFAULT, m.Touch("p", "b", new PageRange(30, 20), Access.Read, 0, out _));
        Assert.Equal(Errno.EFAULT, m.Touch("p", "r", PageRange.All, Access.Write, 0, out _));
        Assert.Equal(Errno.EFAULT, m.Lock("p", "a", PageRange.All, 0, true, out _));
        Assert.Equal(80, m.Stats().RamUsed);
        Assert.Equal(40, m.Verify("p", "b", VerifyPattern.Zero, 0).Hole);
        m.AssertClean();
    }

    [Fact]
    public void PinAndLockFaultDevicePagesBackAndCountOnce()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 64));
        m.CreateProcess("p");
        m.Mmap("p", "a", 32, VmaKind.Anon, true, false);
        m.Touch("p", "a", Access.Write, 1);
        m.Migrate("p", "a", "gpu0");
        Assert.Equal(Errno.None, m.Pin("p", "a", PageRange.All, 4, true, out var pinned));
        Assert.Equal(8, pinned);
        Assert.Equal(Errno.None, m.Lock("p", "a", PageRange.All, 2, true, out var locked));
        Assert.Equal(16, locked);
        Assert.Equal(Errno.None, m.Lock("p", "a", PageRange.All, 2, true, out locked));
        Assert.Equal(0, locked);
        Assert.Equal(16, m.Verify("p", "a", VerifyPattern.Seq, 1).Ram);
        var r = m.Migrate("p", "a", "ram");
        Assert.Equal(16, r[MigrateReason.AlreadyOnTarget]);
        Assert.Equal(16, r.Migrated);
        Assert.Equal(Errno.None, m.Pin("p", "a", PageRange.All, 4, false, out var unpinned));
        Assert.Equal(8, unpinned);
        Assert.Equal(Errno.None, m.Lock("p", "a", PageRange.All, 1, false, out var unlocked));
        Assert.Equal(16, unlocked);
        var s = m.Stats();
        Assert.Equal(0, s.Pinned);
        Assert.Equal(0, s.Locked);
        m.AssertClean();
    }

    [Fact]
    public void MmapAfterMunmapReusesThePteRows()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 4096));
        m.CreateProcess("p");
        for (var round = 0; round < 20; round++)
        {
            m.Mmap("p", "a", 1000 + round, VmaKind.Anon, true, false);
            m.Mmap("p", "b", 300, VmaKind.Anon, true, false);
            m.Touch("p", "a", Access.Write, (ulong)round + 1);
            m.Touch("p", "b", Access.Write, 99);
            m.Fork("p", "c" + round);
            Assert.Equal(1000 + round - 64, m.Migrate("p", "a", "gpu0", 64).Migrated);
            Assert.Equal(0, m.Verify("c" + round, "a", VerifyPattern.Seq, (ulong)round + 1).Mismatches);
            m.Munmap("p", "a");
            m.Munmap("c" + round, "a");
            m.Munmap("c" + round, "b");
            m.Munmap("p", "b");
            m.AssertClean();
        }
        Assert.Equal(0, m.Stats().RamUsed);
        Assert.Equal(0, m.Stats().DeviceUsed[0]);
        // PTE rows are reused, so the world does not grow with the rounds.
        Assert.True(m.World.Size < 65536 + 4096 + 10_000, $"world holds {m.World.Size} entities");
    }
}
