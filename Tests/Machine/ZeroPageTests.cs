using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using Xunit;

namespace HmmEcs.Tests.Machine;

/// <summary>The shared zero page (<see cref="MachineConfig.ZeroPage"/>) on both engines: faults, fork, pins, and what the checker sees.</summary>
public sealed class ZeroPageTests
{
    private static IMachine Machine(string engine, bool zeroPage, SemanticsProfile profile = SemanticsProfile.V13)
    {
        var m = MachineFactory.Create(engine, new MachineConfig(64, Devices: [new DeviceConfig("gpu0", 16)], Profile: profile) { ZeroPage = zeroPage });
        Assert.Equal(Errno.None, m.CreateProcess("p"));
        Assert.Equal(Errno.None, m.Mmap("p", "a", 8, VmaKind.Anon, true, false));
        return m;
    }

    private static PageView[] Views(IMachine m, string proc = "p")
    {
        var views = new PageView[8];
        m.Inspect(proc, "a", 0, views);
        return views;
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void AReadFaultMapsTheZeroPageAndAWriteCopiesIt(string engine)
    {
        using var m = Machine(engine, zeroPage: true);
        m.Touch("p", "a", PageRange.All, Access.Read, 0, out var read);
        Assert.Equal(8, read.New);
        Assert.Equal(0, m.Stats().RamUsed);
        Assert.All(Views(m), v => Assert.Equal(new PageView(Residence.Zero, -1, 0, false), v));
        m.Touch("p", "a", new PageRange(0, 3), Access.Write, 7, out var write);
        Assert.Equal((0L, 3L), (write.New, write.Cow));
        Assert.Equal(3, m.Stats().RamUsed);
        var views = Views(m);
        Assert.Equal(Residence.Ram, views[0].Residence);
        Assert.True(views[0].Writable);
        Assert.Equal(Residence.Zero, views[3].Residence);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void WithoutTheZeroPageAReadFaultTakesAFrame(string engine)
    {
        using var m = Machine(engine, zeroPage: false);
        m.Touch("p", "a", PageRange.All, Access.Read, 0, out _);
        Assert.Equal(8, m.Stats().RamUsed);
        Assert.All(Views(m), v => Assert.Equal(Residence.Ram, v.Residence));
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void ForkSharesTheZeroPageAndAPinTakesAPageOfItsOwn(string engine)
    {
        using var m = Machine(engine, zeroPage: true);
        m.Touch("p", "a", PageRange.All, Access.Read, 0, out _);
        Assert.Equal(Errno.None, m.Fork("p", "c"));
        Assert.All(Views(m, "c"), v => Assert.Equal(Residence.Zero, v.Residence));
        m.Pin("p", "a", new PageRange(2, 2), 1, true, out var pinned);
        Assert.Equal(2, pinned);
        Assert.Equal((2L, 2L), (m.Stats().RamUsed, m.Stats().Pinned));
        Assert.Equal(Residence.Ram, Views(m)[2].Residence);
        Assert.Equal(Residence.Zero, Views(m, "c")[2].Residence);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs", SemanticsProfile.V13, 2L, 6L)]
    [InlineData("reference", SemanticsProfile.V13, 2L, 6L)]
    [InlineData("ecs", SemanticsProfile.Mainline, 8L, 0L)]
    [InlineData("reference", SemanticsProfile.Mainline, 8L, 0L)]
    public void EachProfileMigratesTheZeroPageItsOwnWay(string engine, SemanticsProfile profile, long migrated, long zeroPageReason)
    {
        using var m = Machine(engine, zeroPage: true, profile);
        m.Touch("p", "a", PageRange.All, Access.Read, 0, out _);
        m.Touch("p", "a", new PageRange(0, 2), Access.Write, 1, out _);
        var result = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0"), result));
        Assert.Equal(migrated, result.Migrated);
        Assert.Equal(zeroPageReason, result.Reasons[(int)MigrateReason.ZeroPage]);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void ThePostedHelperLeavesTheZeroPageBrokenAndTheCheckerSaysHow(string engine)
    {
        using var m = Machine(engine, zeroPage: true, SemanticsProfile.V13AsPosted);
        m.Touch("p", "a", new PageRange(0, 1), Access.Write, 1, out _);
        m.Touch("p", "a", new PageRange(1, 1), Access.Read, 0, out _);
        var result = new MigrateResult();
        m.Migrate(new MigrateRequest("p", "a", new PageRange(0, 2), "gpu0"), result);
        Assert.Equal(1, result.Findings![PostedDefect.ZeroPageLostSpecial]);
        var check = m.Check();
        Assert.Empty(check.Details);
        Assert.Contains(check.Findings, f => f.Contains("zero page mapped without its special bit", StringComparison.Ordinal));
        Assert.Contains(check.Findings, f => f.Contains("zero page: refcount 0 (base 1), mapcount 0, helper lock False, on the LRU True", StringComparison.Ordinal));
    }
}
