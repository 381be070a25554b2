using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Machine;

/// <summary>
/// Both engines sit behind one front layer: every op rejects an unknown or duplicate name, an unknown device and a
/// bad range with the same error on both engines, and a rejected call changes nothing.
/// </summary>
public sealed class FrontLayerTests
{
    private static readonly MachineConfig Config = new(4096, Devices: [new DeviceConfig("gpu0", 1024)]);

    /// <summary>A range that passes every sign check but whose end wraps past <see cref="long.MaxValue"/>.</summary>
    private static readonly PageRange Wrapping = new(10, long.MaxValue - 5);

    private static readonly PageRange Past = new(90, 11);

    /// <summary>(what is rejected, the call, the error both engines give).</summary>
    private static readonly (string Case, Func<IMachine, Errno> Call, Errno Expected)[] Cases =
    [
        ("process: duplicate name", m => m.CreateProcess("p"), Errno.EINVAL),
        ("mmap: unknown process", m => m.Mmap("nope", "x", 8, VmaKind.Anon, true, false), Errno.EINVAL),
        ("mmap: duplicate VMA", m => m.Mmap("p", "buf", 8, VmaKind.Anon, true, false), Errno.EINVAL),
        ("mmap: no pages", m => m.Mmap("p", "x", 0, VmaKind.Anon, true, false), Errno.EINVAL),
        ("touch: unknown process", m => m.Touch("nope", "buf", PageRange.All, Access.Read, 0, out _), Errno.EINVAL),
        ("touch: unknown VMA", m => m.Touch("p", "nope", PageRange.All, Access.Read, 0, out _), Errno.EINVAL),
        ("touch: past the end", m => m.Touch("p", "buf", Past, Access.Read, 0, out _), Errno.EFAULT),
        ("touch: wrapping range", m => m.Touch("p", "buf", Wrapping, Access.Read, 0, out _), Errno.EFAULT),
        ("touch: negative first", m => m.Touch("p", "buf", new PageRange(-1, 5), Access.Read, 0, out _), Errno.EFAULT),
        ("touch: write to read-only", m => m.Touch("p", "ro", PageRange.All, Access.Write, 0, out _), Errno.EFAULT),
        ("fork: unknown parent", m => m.Fork("nope", "c"), Errno.EINVAL),
        ("fork: child exists", m => m.Fork("p", "p"), Errno.EINVAL),
        ("pin: unknown VMA", m => m.Pin("p", "nope", PageRange.All, 1, true, out _), Errno.EINVAL),
        ("pin: every 0", m => m.Pin("p", "buf", PageRange.All, 0, true, out _), Errno.EFAULT),
        ("pin: past the end", m => m.Pin("p", "buf", Past, 1, true, out _), Errno.EFAULT),
        ("unpin: wrapping range", m => m.Pin("p", "buf", Wrapping, 1, false, out _), Errno.EFAULT),
        ("lock: unknown process", m => m.Lock("nope", "buf", PageRange.All, 1, true, out _), Errno.EINVAL),
        ("lock: every -3", m => m.Lock("p", "buf", PageRange.All, -3, true, out _), Errno.EFAULT),
        ("unlock: wrapping range", m => m.Lock("p", "buf", Wrapping, 1, false, out _), Errno.EFAULT),
        ("swapout: unknown VMA", m => m.SwapOut("p", "nope", PageRange.All, 1, out _), Errno.EINVAL),
        ("swapout: every 0", m => m.SwapOut("p", "buf", PageRange.All, 0, out _), Errno.EFAULT),
        ("swapout: wrapping range", m => m.SwapOut("p", "buf", Wrapping, 1, out _), Errno.EFAULT),
        ("mprotect: unknown VMA", m => m.Mprotect("p", "nope", false), Errno.EINVAL),
        ("munmap: unknown process", m => m.Munmap("nope", "buf"), Errno.EINVAL),
        ("munmap: unknown VMA", m => m.Munmap("p", "nope"), Errno.EINVAL),
        ("migrate: unknown process", m => Migrate(m, new MigrateRequest("nope", "buf", PageRange.All, "gpu0")), Errno.EINVAL),
        ("migrate: unknown VMA", m => Migrate(m, new MigrateRequest("p", "nope", PageRange.All, "gpu0")), Errno.EINVAL),
        ("migrate: unknown device", m => Migrate(m, new MigrateRequest("p", "buf", PageRange.All, "gpu-typo")), Errno.EINVAL),
        ("migrate: past the end", m => Migrate(m, new MigrateRequest("p", "buf", Past, "gpu0")), Errno.EINVAL),
        ("migrate: wrapping range", m => Migrate(m, new MigrateRequest("p", "buf", Wrapping, "gpu0")), Errno.EINVAL),
        ("migrate: hugetlb VMA", m => Migrate(m, new MigrateRequest("p", "huge", PageRange.All, "gpu0")), Errno.EINVAL),
        ("verify: unknown VMA", m => m.Verify("p", "nope", PageRange.All, VerifyPattern.Seq, 1, new VerifyResult()), Errno.EINVAL),
        ("verify: wrapping range", m => m.Verify("p", "buf", Wrapping, VerifyPattern.Seq, 1, new VerifyResult()), Errno.EFAULT),
        ("device-read: unknown device", m => m.DeviceRead("gpu9", "p", "buf", PageRange.All, VerifyPattern.Seq, 1, new DeviceAccessResult()), Errno.EINVAL),
        ("device-read: ram is no device", m => m.DeviceRead("ram", "p", "buf", PageRange.All, VerifyPattern.Seq, 1, new DeviceAccessResult()), Errno.EINVAL),
        ("device-read: unknown VMA", m => m.DeviceRead("gpu0", "p", "nope", PageRange.All, VerifyPattern.Seq, 1, new DeviceAccessResult()), Errno.EINVAL),
        ("device-read: past the end", m => m.DeviceRead("gpu0", "p", "buf", Past, VerifyPattern.Seq, 1, new DeviceAccessResult()), Errno.EFAULT),
        ("device-write: unknown device", m => m.DeviceWrite("gpu9", "p", "buf", PageRange.All, 1, new DeviceAccessResult()), Errno.EINVAL),
        ("device-write: wrapping range", m => m.DeviceWrite("gpu0", "p", "buf", Wrapping, 1, new DeviceAccessResult()), Errno.EFAULT),
        ("device-write: read-only VMA", m => m.DeviceWrite("gpu0", "p", "ro", PageRange.All, 1, new DeviceAccessResult()), Errno.EPERM),
        ("snapshot: unknown device", m => m.Snapshot("gpu9", "p", "buf", PageRange.All, new SnapshotResult()), Errno.EINVAL),
        ("snapshot: past the end", m => m.Snapshot("gpu0", "p", "buf", Past, new SnapshotResult()), Errno.EFAULT),
        ("evict: unknown device", m => m.Evict("gpu9", out _), Errno.EINVAL),
    ];

    public static TheoryData<string, int> EveryCase()
    {
        var data = new TheoryData<string, int>();
        foreach (var engine in MachineFactory.Engines)
        {
            for (var k = 0; k < Cases.Length; k++)
            {
                data.Add(engine, k);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCase))]
    public void RejectsWithTheSameErrorAndChangesNothing(string engine, int k)
    {
        var (what, call, expected) = Cases[k];
        using var m = Build(engine);
        var before = Snapshot(m);
        Assert.True(expected == call(m), $"{engine}, {what}: expected {expected}");
        Assert.Equal(before, Snapshot(m));
        Assert.Empty(m.Check().Details);
    }

    [Fact]
    public void BothEnginesGiveTheSameErrorForEveryCase()
    {
        var errors = new List<string>[2];
        for (var e = 0; e < 2; e++)
        {
            errors[e] = [];
            foreach (var (what, call, _) in Cases)
            {
                using var m = Build(MachineFactory.Engines[e]);
                errors[e].Add($"{what}: {call(m)}");
            }
        }
        Assert.Equal(errors[0], errors[1]);
    }

    [Fact]
    public void TheSeedShapedEntryRejectsUnknownNamesAndTargets()
    {
        using var m = (EcsMachine)Build("ecs");
        var before = Snapshot(m);
        var ops = m.Driver("gpu0").MigrateInto;
        var result = new MigrateResult();
        Assert.Equal(Errno.EINVAL, m.MigrateVma(ops, "p", "buf", 0, 100, "gpu-typo", result));
        Assert.Equal(Errno.EINVAL, m.MigrateVma(ops, "p", "nope", 0, 100, "gpu0", result));
        Assert.Equal(Errno.EINVAL, m.MigrateVma(ops, "nope", "buf", 0, 100, "gpu0", result));
        Assert.Equal(Errno.EINVAL, m.MigrateVma(ops, "p", "buf", 0, 101, "gpu0", result));
        Assert.Equal(Errno.EINVAL, m.MigrateVma(ops, "p", "buf", 5, long.MinValue, "gpu0", result));
        Assert.Equal(Errno.EINVAL, m.MigrateVma(ops, "p", "huge", 0, 512, "gpu0", result));
        Assert.Equal(before, Snapshot(m));
        Assert.Equal(Errno.None, m.MigrateVma(ops, "p", "buf", 0, 100, "gpu0", result));
        Assert.Equal(60, result.Migrated);
        Assert.Equal(40, result[MigrateReason.AlreadyOnTarget]);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void DeviceNamesAreCheckedWhenTheMachineIsBuilt(string engine)
    {
        var duplicate = new MachineConfig(64, Devices: [new DeviceConfig("gpu0", 8), new DeviceConfig("gpu0", 8)]);
        Assert.Contains("devices[1].name: duplicate device name 'gpu0'", Assert.Throws<ArgumentException>(() => MachineFactory.Create(engine, duplicate)).Message);
        var ram = new MachineConfig(64, Devices: [new DeviceConfig("ram", 8)]);
        Assert.Contains("devices[0].name: \"ram\" is reserved", Assert.Throws<ArgumentException>(() => MachineFactory.Create(engine, ram)).Message);
        var swap = new MachineConfig(64, Devices: [new DeviceConfig("swap", 8)]);
        Assert.Contains("devices[0].name: \"swap\" is reserved", Assert.Throws<ArgumentException>(() => MachineFactory.Create(engine, swap)).Message);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void InspectThrowsForAnUnknownVmaOrARangePastIt(string engine)
    {
        using var m = Build(engine);
        Assert.Throws<ArgumentException>(() => m.Inspect("p", "nope", 0, new PageView[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Inspect("p", "buf", 95, new PageView[6]));
    }

    private static Errno Migrate(IMachine m, MigrateRequest request)
    {
        var result = new MigrateResult();
        var e = m.Migrate(request, result);
        Assert.Equal(0, result.Requested);
        return e;
    }

    /// <summary>Process p: buf (100 anon pages, written, 40 on gpu0), ro (8 read-only pages), huge (one hugetlb page).</summary>
    private static IMachine Build(string engine)
    {
        var m = MachineFactory.Create(engine, Config);
        Ok(m.CreateProcess("p"));
        Ok(m.Mmap("p", "buf", 100, VmaKind.Anon, true, false));
        Ok(m.Mmap("p", "ro", 8, VmaKind.Anon, false, false));
        Ok(m.Mmap("p", "huge", 512, VmaKind.Hugetlb, true, false));
        Ok(m.Touch("p", "buf", PageRange.All, Access.Write, 3, out _));
        Ok(m.Touch("p", "huge", new PageRange(0, 1), Access.Write, 3, out _));
        Ok(m.Migrate(new MigrateRequest("p", "buf", new PageRange(0, 40), "gpu0"), new MigrateResult()));
        return m;
    }

    private static void Ok(Errno e) => Assert.Equal(Errno.None, e);

    private static string Snapshot(IMachine m)
    {
        var pages = new PageView[100];
        m.Inspect("p", "buf", 0, pages);
        var s = m.Stats();
        return $"{string.Join(",", pages)} ram {s.RamUsed}/{s.RamFree} dev {string.Join(",", s.DeviceUsed)} "
            + $"mirrored {string.Join(",", s.DeviceMirrored)} pinned {s.Pinned} locked {s.Locked}";
    }
}
