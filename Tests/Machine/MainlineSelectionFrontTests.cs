using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Machine;

/// <summary>The front layer's part of mainline's selection: refused outside mainline, resolved the same way for both engines.</summary>
public class MainlineSelectionFrontTests
{
    private static IMachine Machine(string engine, SemanticsProfile profile)
    {
        var m = MachineFactory.Create(engine, new MachineConfig(1024, Devices: [new DeviceConfig("gpu0", 64), new DeviceConfig("gpu1", 64, Owner: "gpu0")], Profile: profile));
        m.CreateProcess("p");
        m.Mmap("p", "a", 8, VmaKind.Anon, true, false);
        return m;
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void SelectOrOwnerOutsideMainlineIsEinvalAndChangesNothing(string engine)
    {
        using var m = Machine(engine, SemanticsProfile.V13);
        var r = new MigrateResult();
        Assert.Equal(Errno.EINVAL, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0", Select: MigrateSelect.System), r));
        Assert.Equal(Errno.EINVAL, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0", Owner: "gpu0"), r));
        Assert.Equal(0, r.Migrated);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void AnUnknownOwnerOrAnEmptySelectionIsEinval(string engine)
    {
        using var m = Machine(engine, SemanticsProfile.Mainline);
        var r = new MigrateResult();
        Assert.Equal(Errno.EINVAL, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0", Owner: "nv"), r));
        Assert.Equal(Errno.EINVAL, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0", Select: MigrateSelect.None), r));
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void DevicesSharingAnOwnerSelectEachOthersPages(string engine)
    {
        using var m = Machine(engine, SemanticsProfile.Mainline);
        var r = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0"), r));
        Assert.Equal(8, r.HolesInserted);
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu1", Select: MigrateSelect.DevicePrivate), r));
        Assert.Equal(8, r.Migrated);
        Assert.Equal(0, r.TlbFlushes);
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0"), r));
        Assert.Equal(8, r[MigrateReason.NotSelected]);
    }
}
