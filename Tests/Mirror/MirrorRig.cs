using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Mirror;

/// <summary>Short calls over an <see cref="IMachine"/> for the mirror tests; every call asserts its error code.</summary>
internal static class MirrorRig
{
    public static TheoryData<string> Engines() => new(MachineFactory.Engines);

    /// <summary>A machine with RAM of <paramref name="ram"/> pages and devices gpu0, gpu1 (1024 pages each, gpu1 optionally immovable).</summary>
    public static IMachine Machine(string engine, long ram = 65536, PayloadMode payload = PayloadMode.Token, bool gpu1Movable = true) =>
        MachineFactory.Create(engine, new MachineConfig(ram, payload, 1,
            [new DeviceConfig("gpu0", 1024), new DeviceConfig("gpu1", 1024, Movable: gpu1Movable)]));

    /// <summary>Process p with anon VMA a of <paramref name="pages"/> pages written with salt 1.</summary>
    public static IMachine Written(string engine, long pages = 64, long ram = 65536)
    {
        var m = Machine(engine, ram);
        m.CreateProcess("p");
        m.Mmap("p", "a", pages, VmaKind.Anon, true, false);
        Assert.Equal(Errno.None, m.Touch("p", "a", PageRange.All, Access.Write, 1, out _));
        return m;
    }

    public static DeviceAccessResult Read(this IMachine m, string device, string vma, ulong salt, PageRange range = default, string proc = "p")
    {
        var r = new DeviceAccessResult();
        Assert.Equal(Errno.None, m.DeviceRead(device, proc, vma, range, VerifyPattern.Seq, salt, r));
        return r;
    }

    public static DeviceAccessResult Write(this IMachine m, string device, string vma, ulong salt, PageRange range = default, string proc = "p")
    {
        var r = new DeviceAccessResult();
        Assert.Equal(Errno.None, m.DeviceWrite(device, proc, vma, range, salt, r));
        return r;
    }

    public static SnapshotResult Snap(this IMachine m, string device, string vma, PageRange range = default, string proc = "p")
    {
        var r = new SnapshotResult();
        Assert.Equal(Errno.None, m.Snapshot(device, proc, vma, range, r));
        return r;
    }

    public static MigrateResult MigrateTo(this IMachine m, string to, string vma = "a", PageRange range = default, string proc = "p")
    {
        var r = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest(proc, vma, range, to), r));
        return r;
    }

    public static long Mirrored(this IMachine m, int device) => m.Stats().DeviceMirrored[device];

    public static long Mismatches(this IMachine m, string vma, ulong salt, PageRange range = default, string proc = "p")
    {
        var r = new VerifyResult();
        Assert.Equal(Errno.None, m.Verify(proc, vma, range, VerifyPattern.Seq, salt, r));
        return r.Mismatches;
    }

    public static void AssertClean(this IMachine m)
    {
        var c = m.Check();
        Assert.True(c.Violations == 0, string.Join("; ", c.Details));
    }
}
