using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Mirror;

/// <summary>
/// The snapshot states hmm_range_fault adds to the page-table ones: <c>error</c> (HMM_PFN_ERROR for pages in no VMA,
/// without read permission, or in a pfnmap VMA: counted, never EFAULT), <c>coherent-local</c>/<c>-remote</c> (present
/// pages of addressable memory), and mainline's owner filter on another device's private pages.
/// </summary>
public class SnapshotStateTests
{
    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void PagesNoVmaReadsAreErrorsAndTheRestIsCounted(string engine)
    {
        using var m = MirrorRig.Written(engine, 16);
        Assert.Equal(Errno.None, m.Mprotect("p", "a", new PageRange(2, 3), PageProt.None));
        Assert.Equal(Errno.None, m.Munmap("p", "a", new PageRange(10, 1)));
        var s = m.Snap("gpu0", "a");
        Assert.Equal(4, s.Error);
        Assert.Equal(12, s.Write);
        Assert.Equal(16, s.Error + s.Write + s.Read + s.None);
        // A device's read of the same pages requests faults: EFAULT for the step.
        Assert.Equal(Errno.EFAULT, m.DeviceRead("gpu0", "p", "a", new PageRange(0, 4), VerifyPattern.Seq, 1, new DeviceAccessResult()));
        Assert.Equal(Errno.None, m.Mmap("p", "io", 8, VmaKind.Pfnmap, true, false));
        Assert.Equal(8, m.Snap("gpu0", "io").Error);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void CoherentPagesAreTheirDevicesWhoeverAsks(string engine)
    {
        using var m = MachineFactory.Create(engine, new MachineConfig(4096, Devices:
            [new DeviceConfig("cxl0", 256, Addressable: true), new DeviceConfig("cxl1", 256, Addressable: true)]));
        m.CreateProcess("p");
        m.Mmap("p", "a", 12, VmaKind.Anon, true, false);
        m.Touch("p", "a", PageRange.All, Access.Write, 1, out _);
        m.MigrateTo("cxl0", range: new PageRange(0, 5));
        m.MigrateTo("cxl1", range: new PageRange(5, 3));
        var s = m.Snap("cxl0", "a");
        Assert.Equal((5L, 3L, 4L, 0L), (s.CoherentLocal, s.CoherentRemote, s.Write, s.DeviceLocal + s.DeviceRemote));
        s = m.Snap("cxl1", "a");
        Assert.Equal((3L, 5L), (s.CoherentLocal, s.CoherentRemote));
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs", SemanticsProfile.Mainline, null, 0, 3)]
    [InlineData("reference", SemanticsProfile.Mainline, null, 0, 3)]
    [InlineData("ecs", SemanticsProfile.Mainline, "shared", 3, 0)]
    [InlineData("reference", SemanticsProfile.Mainline, "shared", 3, 0)]
    [InlineData("ecs", SemanticsProfile.V13, null, 3, 0)]
    [InlineData("reference", SemanticsProfile.V13, null, 3, 0)]
    public void AnotherDevicesPrivatePageIsReportedToItsOwnerAlone(string engine, SemanticsProfile profile, string? owner, long remote, long none)
    {
        using var m = MachineFactory.Create(engine, new MachineConfig(4096, Devices:
            [new DeviceConfig("gpu0", 256, Owner: owner), new DeviceConfig("gpu1", 256, Owner: owner)], Profile: profile));
        m.CreateProcess("p");
        m.Mmap("p", "a", 8, VmaKind.Anon, true, false);
        m.Touch("p", "a", PageRange.All, Access.Write, 1, out _);
        m.MigrateTo("gpu1", range: new PageRange(0, 3));
        m.MigrateTo("gpu0", range: new PageRange(3, 2));
        var s = m.Snap("gpu0", "a");
        Assert.Equal((2L, remote, none, 3L), (s.DeviceLocal, s.DeviceRemote, s.None, s.Write));
        Assert.Equal(3, m.Snap("gpu1", "a").DeviceLocal);
        Assert.Empty(m.Check().Details);
    }
}
