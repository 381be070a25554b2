using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Reference;

/// <summary>Each op of the machine: faults, fork and COW, pin/lock, swap, mprotect, munmap, file page cache.</summary>
public class OpsTests
{
    private static Rig New(long ram = 65536, PayloadMode payload = PayloadMode.Token) =>
        new(ram, payload, new DeviceConfig("gpu0", 8192));

    [Fact]
    public void ReadFaultsThenWritesNeedNoCow()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "buf", 100);
        var f = rig.Touch("p", "buf", Access.Read);
        Assert.Equal(100, f.New);
        Assert.Equal(0, rig.Verify("p", "buf", 0, pattern: VerifyPattern.Zero).Mismatches);
        f = rig.Write("p", "buf", 3);
        Assert.Equal(0, f.New + f.Cow + f.Swap + f.Device);
        Assert.All(rig.Inspect("p", "buf", 0, 100), v => Assert.True(v.Writable));
        Assert.Equal(100, rig.Verify("p", "buf", 4).Mismatches);
        Assert.Equal(100, rig.M.Stats().RamUsed);
    }

    [Fact]
    public void MprotectReadOnlyThenWritable()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "buf", 64);
        rig.Write("p", "buf", 1);
        rig.Ok(rig.M.Mprotect("p", "buf", false));
        Assert.All(rig.Inspect("p", "buf", 0, 64), v => Assert.False(v.Writable));
        Assert.Equal(Errno.EFAULT, rig.M.Touch("p", "buf", PageRange.All, Access.Write, 2, out _));
        rig.Clean();
        Assert.Equal(0, rig.Verify("p", "buf", 1).Mismatches);
        rig.Ok(rig.M.Mprotect("p", "buf", true));
        Assert.All(rig.Inspect("p", "buf", 0, 64), v => Assert.False(v.Writable));
        var f = rig.Write("p", "buf", 2);
        Assert.Equal(64, f.Cow); // reuse: mapped once, made writable
        Assert.Equal(64, rig.M.Stats().RamUsed);
        Assert.Equal(0, rig.Verify("p", "buf", 2).Mismatches);
    }

    [Fact]
    public void MprotectKeepsDeviceEntriesReadOnlyThroughFaultBack()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "buf", 64);
        rig.Write("p", "buf", 1);
        rig.Migrate("p", "buf", "gpu0");
        rig.Ok(rig.M.Mprotect("p", "buf", false));
        rig.Ok(rig.M.Mprotect("p", "buf", true));
        var f = rig.Write("p", "buf", 2);
        Assert.Equal(64, f.Device);
        Assert.Equal(64, f.Cow);
        Assert.Equal(64, rig.M.Stats().RamUsed);
    }

    [Fact]
    public void ForkCowCopiesOnlySharedPages()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "buf", 128);
        rig.Write("p", "buf", 1);
        rig.Ok(rig.M.Fork("p", "c"));
        Assert.All(rig.Inspect("p", "buf", 0, 128), v => Assert.False(v.Writable));
        Assert.All(rig.Inspect("c", "buf", 0, 128), v => Assert.False(v.Writable));
        Assert.Equal(128, rig.M.Stats().RamUsed);
        var f = rig.Write("c", "buf", 2, count: 64);
        Assert.Equal(64, f.Cow);
        Assert.Equal(192, rig.M.Stats().RamUsed);
        f = rig.Write("p", "buf", 3, count: 64);
        Assert.Equal(64, f.Cow); // now mapped once: reused, no copy
        Assert.Equal(192, rig.M.Stats().RamUsed);
        Assert.Equal(0, rig.Verify("c", "buf", 2, count: 64).Mismatches);
        Assert.Equal(0, rig.Verify("c", "buf", 1, first: 64).Mismatches);
        Assert.Equal(0, rig.Verify("p", "buf", 3, count: 64).Mismatches);
        Assert.Equal(0, rig.Verify("p", "buf", 1, first: 64).Mismatches);
    }

    [Fact]
    public void ForkSharesSwapSlotsAndSwapInIsPerProcess()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "buf", 32);
        rig.Write("p", "buf", 1);
        Assert.Equal(32, rig.SwapOut("p", "buf"));
        Assert.Equal(0, rig.M.Stats().RamUsed);
        rig.Ok(rig.M.Fork("p", "c"));
        var f = rig.Touch("c", "buf", Access.Read);
        Assert.Equal(32, f.Swap);
        Assert.Equal(32, rig.Verify("p", "buf", 1).Swap);
        Assert.Equal(32, rig.Verify("c", "buf", 1).Ram);
        f = rig.Write("p", "buf", 2, count: 16);
        Assert.Equal(16, f.Swap);
        Assert.Equal(0, f.Cow);
        Assert.Equal(48, rig.M.Stats().RamUsed);
        Assert.Equal(0, rig.Verify("c", "buf", 1).Mismatches);
        Assert.Equal(0, rig.Verify("p", "buf", 2, count: 16).Mismatches);
        Assert.Equal(0, rig.Verify("p", "buf", 1, first: 16).Mismatches);
    }

    [Fact]
    public void SwapOutRules()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "buf", 64);
        rig.Mmap("p", "f", 64, VmaKind.File);
        rig.Write("p", "buf", 1);
        rig.Write("p", "f", 1);
        rig.Pin("p", "buf", first: 0, count: 1);
        rig.Lock("p", "buf", first: 1, count: 1);
        rig.Ok(rig.M.Fork("p", "c"));
        rig.Write("c", "buf", 2, first: 2, count: 10); // pages 2..11 now mapped once in p
        Assert.Equal(10, rig.SwapOut("p", "buf", count: 16));
        Assert.Equal(0, rig.SwapOut("p", "f"));
        Assert.Equal(0, rig.Verify("p", "buf", 1).Mismatches);
        Assert.Equal(10, rig.Verify("p", "buf", 1).Swap);
    }

    [Fact]
    public void PinAndLockFaultInAndBringDevicePagesBack()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "buf", 64);
        Assert.Equal(16, rig.Pin("p", "buf", every: 4));
        Assert.Equal(16, rig.M.Stats().RamUsed);
        rig.Write("p", "buf", 1);
        Assert.Equal(48, rig.Migrate("p", "buf", "gpu0").Migrated);
        Assert.Equal(48, rig.Lock("p", "buf", first: 0, count: 48));
        Assert.Equal(12, rig.M.Stats().DeviceUsed[0]); // 48 migrated; locking 0..47 brought 36 back
        var s = rig.M.Stats();
        Assert.Equal(16, s.Pinned);
        Assert.Equal(48, s.Locked);
        Assert.Equal(0, rig.Verify("p", "buf", 1).Mismatches);
        Assert.Equal(16, rig.Pin("p", "buf", every: 4, take: false));
        Assert.Equal(0, rig.Pin("p", "buf", every: 4, take: false));
        Assert.Equal(48, rig.Lock("p", "buf", take: false));
        Assert.Equal(0, rig.M.Stats().Pinned);
    }

    [Fact]
    public void MunmapFreesRamDevicePagesAndSwapButNotPinnedPages()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "buf", 300);
        rig.Write("p", "buf", 1);
        rig.SwapOut("p", "buf", first: 0, count: 50);
        rig.Migrate("p", "buf", "gpu0", first: 100, count: 100);
        rig.Pin("p", "buf", first: 299, count: 1);
        var s = rig.M.Stats();
        Assert.Equal(150, s.RamUsed);
        Assert.Equal(100, s.DeviceUsed[0]);
        rig.Ok(rig.M.Munmap("p", "buf"));
        s = rig.M.Stats();
        Assert.Equal(1, s.RamUsed); // the pinned page stays allocated, as a leak would
        Assert.Equal(0, s.DeviceUsed[0]);
        Assert.Equal(1, s.Pinned);
    }

    [Fact]
    public void FilePageCacheIsSharedAndReleasedWithTheLastMapper()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "f", 64, VmaKind.File);
        rig.Write("p", "f", 1, count: 32);
        rig.Ok(rig.M.Fork("p", "c"));
        Assert.Equal(32, rig.M.Stats().RamUsed);
        var f = rig.Write("c", "f", 2, first: 0, count: 8);
        Assert.Equal(0, f.Cow + f.New); // shared: the PTE was copied writable
        Assert.Equal(0, rig.Verify("p", "f", 2, count: 8).Mismatches);
        f = rig.Touch("c", "f", Access.Read, first: 32, count: 32);
        Assert.Equal(32, f.New);
        var v = rig.Verify("p", "f", 0, first: 32, pattern: VerifyPattern.Zero);
        Assert.Equal(32, v.Hole); // the parent has no PTE, but reads the page cache
        Assert.Equal(0, v.Mismatches);
        f = rig.Touch("p", "f", Access.Read, first: 32, count: 32);
        Assert.Equal(32, f.New);
        Assert.Equal(64, rig.M.Stats().RamUsed);
        rig.Ok(rig.M.Munmap("p", "f"));
        Assert.Equal(64, rig.M.Stats().RamUsed);
        rig.Ok(rig.M.Munmap("c", "f"));
        Assert.Equal(0, rig.M.Stats().RamUsed);
    }

    [Fact]
    public void HugetlbMapsWholeHugePagesAndSplitsOnCow()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "h", 700, VmaKind.Hugetlb);
        var f = rig.Write("p", "h", 1, first: 10, count: 2);
        Assert.Equal(1, f.New);
        Assert.Equal(512, rig.M.Stats().RamUsed);
        f = rig.Touch("p", "h", Access.Read);
        Assert.Equal(188, f.New); // the region past the VMA end gets 4 KiB pages
        Assert.Equal(700, rig.M.Stats().RamUsed);
        rig.Ok(rig.M.Fork("p", "c"));
        f = rig.Write("c", "h", 2, first: 0, count: 600);
        Assert.Equal(600, f.Cow);
        Assert.Equal(1300, rig.M.Stats().RamUsed);
        Assert.Equal(0, rig.Verify("p", "h", 1, first: 10, count: 2).Mismatches);
        Assert.Equal(0, rig.Verify("c", "h", 2, count: 600).Mismatches);
        rig.Ok(rig.M.Munmap("c", "h"));
        rig.Ok(rig.M.Munmap("p", "h"));
        Assert.Equal(0, rig.M.Stats().RamUsed);
    }

    [Fact]
    public void ThpForkCowSplitsThePmd()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "t", 512, thp: true);
        Assert.Equal(1, rig.Write("p", "t", 1, first: 3, count: 1).New);
        rig.Ok(rig.M.Fork("p", "c"));
        var f = rig.Write("c", "t", 2, first: 3, count: 2);
        Assert.Equal(2, f.Cow);
        Assert.Equal(514, rig.M.Stats().RamUsed);
        Assert.Equal(0, rig.Verify("p", "t", 0, first: 4, count: 1, pattern: VerifyPattern.Zero).Mismatches);
        Assert.Equal(0, rig.Verify("p", "t", 1, first: 3, count: 1).Mismatches);
        Assert.Equal(0, rig.Verify("c", "t", 2, first: 3, count: 2).Mismatches);
        rig.Ok(rig.M.Munmap("p", "t"));
        Assert.Equal(512, rig.M.Stats().RamUsed); // the two subpages only the parent mapped are freed on their own
        rig.Ok(rig.M.Munmap("c", "t"));
        Assert.Equal(0, rig.M.Stats().RamUsed);
    }

    [Fact]
    public void ThpFallsBackWithoutAnAlignedRun()
    {
        using var rig = New(ram: 1024);
        rig.Process("p");
        rig.Mmap("p", "a", 1);
        rig.Mmap("p", "c", 600);
        rig.Mmap("p", "d", 1);
        rig.Mmap("p", "t", 512, thp: true);
        rig.Write("p", "a", 1); // frame 0
        rig.Write("p", "c", 1); // frames 1..600
        rig.Write("p", "d", 1); // frame 601
        rig.Ok(rig.M.Munmap("p", "c"));
        // 1022 frames free, but both aligned runs hold a page: the THP fault falls back to 4 KiB pages.
        var f = rig.Write("p", "t", 2);
        Assert.Equal(512, f.New);
        Assert.Equal(514, rig.M.Stats().RamUsed);
        Assert.Equal(0, rig.Verify("p", "t", 2).Mismatches);
    }

    [Fact]
    public void SwapInIsWritableOnlyOnAWriteFaultWhenTheSlotWasExclusive()
    {
        using var rig = New();
        rig.Process("p");
        rig.Mmap("p", "buf", 8);
        rig.Write("p", "buf", 1);
        rig.SwapOut("p", "buf", count: 4);
        rig.Touch("p", "buf", Access.Read, count: 2);
        // As 2016's do_swap_page: a read fault maps the page read-only even when the slot was exclusive.
        Assert.All(rig.Inspect("p", "buf", 0, 2), v => Assert.False(v.Writable));
        Assert.Equal(2, rig.Write("p", "buf", 1, count: 2).Cow);
        rig.Ok(rig.M.Fork("p", "c"));
        rig.Touch("c", "buf", Access.Read, first: 2, count: 2);
        Assert.All(rig.Inspect("c", "buf", 2, 2), v => Assert.False(v.Writable));
        var f = rig.Write("p", "buf", 3, first: 2, count: 2);
        Assert.Equal(2, f.Swap);
        Assert.Equal(0, f.Cow); // the slot is now the parent's alone
        f = rig.Write("c", "buf", 4, first: 2, count: 2);
        Assert.Equal(2, f.Cow); // mapped once: reused
        Assert.Equal(0, rig.Verify("c", "buf", 4, first: 2, count: 2).Mismatches);
        Assert.Equal(0, rig.Verify("p", "buf", 3, first: 2, count: 2).Mismatches);
    }
}
