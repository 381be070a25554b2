using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Mirror;

/// <summary>device-read and device-write on both engines: faults then hits, EPERM, COW, the fault path's cases.</summary>
public class DeviceAccessTests
{
    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void ReadFaultsEachPageOnceThenHits(string engine)
    {
        using var m = MirrorRig.Written(engine, 64);
        var first = m.Read("gpu0", "a", 1);
        Assert.Equal((64, 64, 0), (first.Pages, first.Faults, first.Mismatches));
        var again = m.Read("gpu0", "a", 1, new PageRange(10, 20));
        Assert.Equal((20, 0, 0), (again.Pages, again.Faults, again.Mismatches));
        Assert.Equal(64, m.Mirrored(0));
        Assert.Equal(0, m.Mirrored(1));
        // Another device has its own mirror.
        Assert.Equal(64, m.Read("gpu1", "a", 1).Faults);
        Assert.Equal(7, m.Read("gpu1", "a", 2, new PageRange(0, 7)).Mismatches);
        m.AssertClean();
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void ReadOfHolesAndSwapFaultsThemIn(string engine)
    {
        using var m = MirrorRig.Written(engine, 64);
        Assert.Equal(Errno.None, m.SwapOut("p", "a", new PageRange(0, 16), 1, out var swapped));
        Assert.Equal(16, swapped);
        m.Mmap("p", "h", 32, VmaKind.Anon, true, false);
        var ramBefore = m.Stats().RamUsed;
        Assert.Equal(16, m.Read("gpu0", "a", 1, new PageRange(0, 16)).Faults);
        var r = new DeviceAccessResult();
        Assert.Equal(Errno.None, m.DeviceRead("gpu0", "p", "h", default, VerifyPattern.Zero, 0, r));
        Assert.Equal((32, 32, 0), (r.Pages, r.Faults, r.Mismatches));
        Assert.Equal(ramBefore + 16 + 32, m.Stats().RamUsed);
        Assert.Equal(48, m.Mirrored(0));
        m.AssertClean();
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void WriteToReadOnlyVmaIsEpermAndChangesNothing(string engine)
    {
        using var m = MirrorRig.Machine(engine);
        m.CreateProcess("p");
        m.Mmap("p", "r", 16, VmaKind.Anon, false, false);
        var r = new DeviceAccessResult();
        Assert.Equal(Errno.EPERM, m.DeviceWrite("gpu0", "p", "r", default, 5, r));
        Assert.Equal(0, m.Stats().RamUsed);
        Assert.Equal(0, m.Mirrored(0));
        Assert.Equal(16, m.Snap("gpu0", "r").None);
        // Reading is allowed and mirrors read-only.
        Assert.Equal(Errno.None, m.DeviceRead("gpu0", "p", "r", default, VerifyPattern.Zero, 0, r));
        Assert.Equal(16, m.Snap("gpu0", "r").Read);
        Assert.Equal(Errno.EFAULT, m.DeviceWrite("gpu0", "p", "r", new PageRange(8, 9), 5, new DeviceAccessResult()));
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void WriteStoresStampsAndNeedsWritableEntries(string engine)
    {
        using var m = MirrorRig.Written(engine, 32);
        m.Mprotect("p", "a", false);
        Assert.Equal(32, m.Read("gpu0", "a", 1).Faults);
        m.Mprotect("p", "a", true);
        // mprotect dropped the read-only entries again; the write faults (write-protect fault, reused).
        var w = m.Write("gpu0", "a", 7);
        Assert.Equal((32, 32), (w.Pages, w.Faults));
        Assert.Equal(0, m.Mismatches("a", 7));
        Assert.Equal(0, m.Write("gpu0", "a", 8).Faults);
        Assert.Equal(0, m.Read("gpu0", "a", 8).Mismatches);
        m.AssertClean();
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void WriteToCowSharedPageCopiesIt(string engine)
    {
        using var m = MirrorRig.Written(engine, 16);
        m.Fork("p", "c");
        var ram = m.Stats().RamUsed;
        var w = m.Write("gpu0", "a", 9);
        Assert.Equal(16, w.Faults);
        Assert.Equal(ram + 16, m.Stats().RamUsed);
        Assert.Equal(0, m.Mismatches("a", 9));
        Assert.Equal(0, m.Mismatches("a", 1, proc: "c"));
        m.AssertClean();
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void PagesOfThisDeviceAreUsedInPlaceAndOfAnotherComeBack(string engine)
    {
        using var m = MirrorRig.Written(engine, 32);
        Assert.Equal(32, m.MigrateTo("gpu0").Migrated);
        // The migration mapped them: no fault, still on gpu0.
        Assert.Equal(0, m.Read("gpu0", "a", 1).Faults);
        Assert.Equal(32, m.Snap("gpu0", "a").DeviceLocal);
        var r = m.Read("gpu1", "a", 1, new PageRange(0, 8));
        Assert.Equal((8, 0), (r.Faults, r.Mismatches));
        Assert.Equal(24, m.Stats().DeviceUsed[0]);
        Assert.Equal(24, m.Mirrored(0));
        Assert.Equal(8, m.Mirrored(1));
        m.AssertClean();
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void PageOfAnImmovableDeviceIsEfaultForAnotherDevice(string engine)
    {
        using var m = MirrorRig.Machine(engine, gpu1Movable: false);
        m.CreateProcess("p");
        m.Mmap("p", "a", 16, VmaKind.Anon, true, false);
        m.Touch("p", "a", PageRange.All, Access.Write, 1, out _);
        Assert.Equal(16, m.MigrateTo("gpu1").Migrated);
        var before = m.Stats();
        Assert.Equal(Errno.EFAULT, m.DeviceRead("gpu0", "p", "a", default, VerifyPattern.Seq, 1, new DeviceAccessResult()));
        Assert.Equal(before.DeviceUsed[1], m.Stats().DeviceUsed[1]);
        Assert.Equal(0, m.Mirrored(0));
        // gpu1 itself reads them where they are.
        Assert.Equal(0, m.Read("gpu1", "a", 1).Mismatches);
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void ReadNeedingMoreRamThanFreeIsEnomemAndChangesNothing(string engine)
    {
        using var m = MirrorRig.Machine(engine, ram: 40);
        m.CreateProcess("p");
        m.Mmap("p", "a", 32, VmaKind.Anon, true, false);
        m.Mmap("p", "b", 16, VmaKind.Anon, true, false);
        m.Touch("p", "a", PageRange.All, Access.Write, 1, out _);
        var r = new DeviceAccessResult();
        Assert.Equal(Errno.ENOMEM, m.DeviceRead("gpu0", "p", "b", default, VerifyPattern.Zero, 0, r));
        Assert.Equal(32, m.Stats().RamUsed);
        Assert.Equal(0, m.Mirrored(0));
        Assert.Equal(16, m.Snap("gpu0", "b").None);
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void BytesPayloadWritesAllBytes(string engine)
    {
        using var m = MirrorRig.Machine(engine, payload: PayloadMode.Bytes);
        m.CreateProcess("p");
        m.Mmap("p", "a", 8, VmaKind.Anon, true, false);
        Assert.Equal(8, m.Write("gpu0", "a", 3).Faults);
        Assert.Equal(0, m.Mismatches("a", 3));
        Assert.Equal(0, m.Read("gpu1", "a", 3).Mismatches);
        m.AssertClean();
    }
}
