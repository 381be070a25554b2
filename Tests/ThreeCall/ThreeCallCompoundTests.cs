using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Tests.Differential;

namespace HmmEcs.Tests.ThreeCall;

/// <summary>
/// With <c>select: compound</c>, the three calls move a PMD-sized unit whole as the one call does: the driver gets the
/// units (one device folio), and finalize maps it by one PMD entry again (a CPU read then brings one RAM THP back).
/// </summary>
public class ThreeCallCompoundTests
{
    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void AnEmptyPmdRegionMovesAsOneFolioThroughTheThreeCalls(string engine)
    {
        using var one = Machine(engine);
        using var three = Machine(engine);
        var select = MigrateSelect.System | MigrateSelect.Compound;
        var a = new MigrateResult();
        var b = new MigrateResult();
        Assert.Equal(Errno.None, one.Migrate(new MigrateRequest("p", "h", new PageRange(0, 640), "gpu0", default, select), a));
        Assert.Equal(Errno.None, ThreeCallRig.ThreeCalls(three, new MigrateVma("p", "h", 0, 640, "gpu0", select), b));
        Assert.Equal(Canonical.Of(a), Canonical.Of(b));
        Assert.Equal(640, b.Migrated);
        foreach (var m in new[] { one, three })
        {
            Assert.Equal(Errno.None, m.Touch("p", "h", PageRange.All, Access.Read, 1, out var faults));
            // One device fault for the folio, one for each of the 128 base pages after it.
            Assert.Equal(1 + 128, faults.Device);
            var snapshot = new SnapshotResult();
            Assert.Equal(Errno.None, m.Snapshot("gpu0", "p", "h", PageRange.All, snapshot));
            Assert.Equal(512, snapshot.Huge);
            Assert.Empty(m.Check().Details);
        }
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void SetupRefusesARangeWithAnUnmappedPart(string engine)
    {
        using var m = Machine(engine);
        Assert.Equal(Errno.None, m.Munmap("p", "h", new PageRange(100, 50)));
        var args = new MigrateVma("p", "h", 0, 640, "gpu0", MigrateSelect.System | MigrateSelect.Compound);
        Assert.Equal(Errno.EINVAL, m.MigrateVmaSetup(args, new ulong[640], new ulong[640]));
        args = new MigrateVma("p", "h", 150, 640, "gpu0");
        Assert.Equal(Errno.None, ThreeCallRig.ThreeCalls(m, args, new MigrateResult()));
        Assert.Empty(m.Check().Details);
    }

    private static IMachine Machine(string engine)
    {
        var m = MachineFactory.Create(engine, new MachineConfig(4096, Devices: [new DeviceConfig("gpu0", 2048)], Profile: SemanticsProfile.Mainline));
        m.CreateProcess("p");
        m.Mmap("p", "h", 640, VmaKind.Anon, false, false);
        return m;
    }
}
