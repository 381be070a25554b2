using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Machine.Races;
using HmmEcs.Systems.ScenarioLanguage.Running;
using Xunit;

namespace HmmEcs.Tests.Machine;

/// <summary>
/// The stranded-page rule of <c>v13-as-posted</c> (docs/model.md, "Stranded pages") on both engines, for what the
/// scenario files cannot express: the page views the differential test compares, a racing munmap that waits for the
/// call, and the rule staying off under the other profiles.
/// </summary>
public sealed class StrandedPageTests
{
    /// <summary>4 written anon pages that a migrate with every page failing in unmap leaves behind migration entries.</summary>
    private static IMachine Stranded(string engine, SemanticsProfile profile = SemanticsProfile.V13AsPosted, IReadOnlyList<MigrateRace>? races = null)
    {
        var m = MachineFactory.Create(engine, new MachineConfig(64, Devices: [new DeviceConfig("gpu0", 16)], Profile: profile));
        Assert.Equal(Errno.None, m.CreateProcess("p"));
        Assert.Equal(Errno.None, m.Mmap("p", "a", 4, VmaKind.Anon, true, false));
        Assert.Equal(Errno.None, m.Touch("p", "a", PageRange.All, Access.Write, 3, out _));
        var r = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0", new FailureInjection(0, 1, 0), Races: races), r));
        Assert.Equal(0, r.Migrated);
        return m;
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void AMigrationEntryIsNoWritableMapping(string engine)
    {
        // The entries keep the PTEs' write bit, but nothing maps the page: a write would fault (ECS once reported it writable).
        using var m = Stranded(engine);
        var views = new PageView[4];
        m.Inspect("p", "a", 0, views);
        Assert.All(views, v => Assert.Equal((Residence.Ram, false), (v.Residence, v.Writable)));
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void ARacingMunmapThatWaitedForTheCallHangsOnItsStrandedPages(string engine)
    {
        using var m = Stranded(engine, races: [new MigrateRace(RaceBoundary.AfterCollect, RaceOp.Munmap, "p", "a")]);
        var views = new PageView[4];
        m.Inspect("p", "a", 0, views);
        Assert.All(views, v => Assert.Equal(Residence.Ram, v.Residence));
        Assert.Equal(Errno.HUNG, m.Touch("p", "a", new PageRange(0, 1), Access.Read, 0, out _));
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void ARacingFaultOnAPageAnEarlierCallStrandedHangsAndChangesNothing(string engine)
    {
        // As stranded-short-of-references.json: page 2 of `a` ends mapped and unlocked but a reference short. A write fault
        // on it races a migrate of `b`: it reaches a stranded page, so it sleeps there for good and writes nothing (the
        // race rules alone would have let it run, since the page is mapped and not locked).
        using var m = MachineFactory.Create(engine, new MachineConfig(64, Devices: [new DeviceConfig("gpu0", 16)], Profile: SemanticsProfile.V13AsPosted));
        Assert.Equal(Errno.None, m.CreateProcess("p"));
        Assert.Equal(Errno.None, m.Mmap("p", "a", 4, VmaKind.Anon, true, false));
        Assert.Equal(Errno.None, m.Mmap("p", "b", 2, VmaKind.Anon, true, false));
        Assert.Equal(Errno.None, m.Touch("p", "a", PageRange.All, Access.Write, 4, out _));
        Assert.Equal(Errno.None, m.Touch("p", "b", PageRange.All, Access.Write, 5, out _));
        Assert.Equal(Errno.None, m.Pin("p", "a", new PageRange(0, 1), 1, true, out _));
        var r = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0", new FailureInjection(2, 0, 0)), r));
        Assert.Equal(2, r.Migrated);
        var race = new MigrateRace(RaceBoundary.AfterCollect, RaceOp.Touch, "p", "a", new PageRange(2, 1), Access.Write, 9);
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "b", PageRange.All, "gpu0", Races: [race]), r));
        Assert.Equal(2, r.Migrated);
        Assert.Equal((1L, 1L, 0L), (r.Races!.Waited, r.Races.Hung, r.Races.Failed));
        var verify = new VerifyResult();
        Assert.Equal(Errno.None, m.Verify("p", "a", new PageRange(2, 1), VerifyPattern.Seq, 4, verify));
        Assert.Equal((0L, 1L), (verify.Mismatches, verify.Ram));
    }

    [Theory]
    [InlineData("ecs", SemanticsProfile.V13)]
    [InlineData("reference", SemanticsProfile.V13)]
    [InlineData("ecs", SemanticsProfile.Mainline)]
    [InlineData("reference", SemanticsProfile.Mainline)]
    public void OtherProfilesStrandNothing(string engine, SemanticsProfile profile)
    {
        using var m = Stranded(engine, profile);
        Assert.Equal(Errno.None, m.Touch("p", "a", PageRange.All, Access.Read, 0, out _));
        Assert.Equal(Errno.None, m.Munmap("p", "a"));
    }
}
