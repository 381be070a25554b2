using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Mirror;

/// <summary>snapshot states and evict on both engines.</summary>
public class SnapshotEvictTests
{
    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void SnapshotCountsEveryPageInExactlyOneState(string engine)
    {
        using var m = MirrorRig.Machine(engine);
        m.CreateProcess("p");
        m.Mmap("p", "t", 1024, VmaKind.Anon, true, true);
        m.Touch("p", "t", new PageRange(0, 1), Access.Write, 1, out _);          // one huge page: 512 pages
        m.Mmap("p", "a", 64, VmaKind.Anon, true, false);
        m.Touch("p", "a", new PageRange(0, 48), Access.Write, 1, out _);
        m.MigrateTo("gpu0", "a", new PageRange(0, 8));
        m.MigrateTo("gpu1", "a", new PageRange(8, 4));
        m.SwapOut("p", "a", new PageRange(12, 4), 1, out _);
        m.Fork("p", "c");                                                           // the rest of a: read-only in p
        m.Touch("p", "a", new PageRange(16, 8), Access.Write, 2, out _);         // copies: writable again
        var before = m.Stats();
        var t = m.Snap("gpu0", "t");
        Assert.Equal((512L, 512L), (t.Huge, t.None));
        var a = m.Snap("gpu0", "a");
        Assert.Equal(8, a.DeviceLocal);
        Assert.Equal(4, a.DeviceRemote);
        Assert.Equal(4 + 16, a.None);
        Assert.Equal(8, a.Write);
        Assert.Equal(24, a.Read);
        Assert.Equal(64, a.None + a.Read + a.Write + a.Huge + a.DeviceLocal + a.DeviceRemote);
        var fromGpu1 = m.Snap("gpu1", "a");
        Assert.Equal((4L, 8L), (fromGpu1.DeviceLocal, fromGpu1.DeviceRemote));
        // No faulting.
        Assert.Equal(before.RamUsed, m.Stats().RamUsed);
        Assert.Equal(0, m.Mirrored(0) - before.DeviceMirrored[0]);
        Assert.Equal(Errno.EFAULT, m.Snapshot("gpu0", "p", "a", new PageRange(60, 5), new SnapshotResult()));
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void EvictBringsEveryPageBackForEveryMapping(string engine)
    {
        using var m = MirrorRig.Written(engine, 64);
        m.Mmap("p", "b", 32, VmaKind.Anon, true, false);
        m.Write("gpu0", "b", 5);
        m.MigrateTo("gpu0", "a", new PageRange(0, 40));
        m.MigrateTo("gpu0", "b");
        m.MigrateTo("gpu1", "a", new PageRange(40, 8));
        m.Fork("p", "c");
        Assert.Equal(72, m.Stats().DeviceUsed[0]);
        Assert.Equal(Errno.None, m.Evict("gpu0", out var migrated));
        Assert.Equal(72, migrated);
        var s = m.Stats();
        Assert.Equal(0, s.DeviceUsed[0]);
        Assert.Equal(8, s.DeviceUsed[1]);
        Assert.Equal(0, s.DeviceMirrored[0]);
        foreach (var proc in new[] { "p", "c" })
        {
            Assert.Equal(0, m.Mismatches("a", 1, proc: proc));
            Assert.Equal(0, m.Mismatches("b", 5, proc: proc));
            var v = new VerifyResult();
            m.Verify(proc, "a", PageRange.All, VerifyPattern.Seq, 1, v);
            Assert.Equal((56L, 8L), (v.Ram, v.Device[1]));
        }
        Assert.Equal(Errno.None, m.Evict("gpu0", out migrated));
        Assert.Equal(0, migrated);
        m.AssertClean();
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void EvictWithoutRamForEveryPageIsEnomemAndChangesNothing(string engine)
    {
        using var m = MirrorRig.Written(engine, 32, ram: 40);
        m.MigrateTo("gpu0");
        m.Mmap("p", "b", 20, VmaKind.Anon, true, false);
        m.Touch("p", "b", PageRange.All, Access.Write, 2, out _);
        Assert.Equal(Errno.ENOMEM, m.Evict("gpu0", out var migrated));
        Assert.Equal(0, migrated);
        Assert.Equal(32, m.Stats().DeviceUsed[0]);
        Assert.Equal(32, m.Mirrored(0));
        m.Munmap("p", "b");
        Assert.Equal(Errno.None, m.Evict("gpu0", out migrated));
        Assert.Equal(32, migrated);
        Assert.Equal(0, m.Mismatches("a", 1));
    }
}
