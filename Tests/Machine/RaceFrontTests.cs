using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Machine.Races;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Machine;

/// <summary>
/// Races through the host API (<see cref="MigrateRequest.Races"/>): the front refuses what the loader refuses, on both engines
/// and every profile, and a racing fault on a page in flight waits for the call and reports what it then found.
/// </summary>
public class RaceFrontTests
{
    public static TheoryData<string, SemanticsProfile> EnginesTimesProfiles()
    {
        var data = new TheoryData<string, SemanticsProfile>();
        foreach (var engine in MachineFactory.Engines)
        {
            foreach (var profile in new[] { SemanticsProfile.V13, SemanticsProfile.V13AsPosted, SemanticsProfile.Mainline })
            {
                data.Add(engine, profile);
            }
        }
        return data;
    }

    private static IMachine Machine(string engine, SemanticsProfile profile)
    {
        var m = MachineFactory.Create(engine, new MachineConfig(1024, Devices: [new DeviceConfig("gpu0", 64)], Profile: profile));
        m.CreateProcess("p");
        m.CreateProcess("q");
        m.Mmap("p", "a", 8, VmaKind.Anon, true, false);
        m.Touch("p", "a", PageRange.All, Access.Write, 1, out _);
        return m;
    }

    private static MigrateRequest Request(params MigrateRace[] races) => new("p", "a", PageRange.All, "gpu0", Races: races);

    [Theory]
    [MemberData(nameof(EnginesTimesProfiles))]
    public void BadRacesAreEinvalAndNothingRuns(string engine, SemanticsProfile profile)
    {
        using var m = Machine(engine, profile);
        var r = new MigrateResult();
        MigrateRace[][] bad =
        [
            [new(RaceBoundary.AfterUnmap, RaceOp.Pin, "p", "a"), new(RaceBoundary.AfterCollect, RaceOp.Pin, "p", "a")],
            [new(RaceBoundary.AfterLock, RaceOp.Munmap, "q", "a")],
            [new(RaceBoundary.AfterLock, RaceOp.Fork, "p", Child: "q")],
            [new(RaceBoundary.AfterLock, RaceOp.Touch, "p", "nope")],
            [new(RaceBoundary.AfterLock, RaceOp.Touch, "p", "a", new PageRange(4, 5))],
            [new(RaceBoundary.AfterLock, RaceOp.Migrate, "p", "a", new PageRange(0, 4), To: "nope")],
        ];
        foreach (var races in bad)
        {
            Assert.Equal(Errno.EINVAL, m.Migrate(Request(races), r));
        }
        Assert.Equal(0, m.Stats().DeviceUsed[0]);
    }

    [Theory]
    [MemberData(nameof(EnginesTimesProfiles))]
    public void AFaultOnAPageInFlightWaitsAndSeesTheNewPage(string engine, SemanticsProfile profile)
    {
        using var m = Machine(engine, profile);
        var r = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(Request(new MigrateRace(RaceBoundary.AfterUnmap, RaceOp.Touch, "p", "a", new PageRange(2, 3))), r));
        Assert.Equal(8, r.Migrated);
        Assert.Equal(3, r.Races!.Waited);
        Assert.Equal(3, r.Races.SawNew);
        // The fault ran after the call: the three pages it read came back to RAM through the device's fault handler.
        Assert.Equal(5, m.Stats().DeviceUsed[0]);
        Assert.Equal(0, m.Check().Violations);
    }

    [Theory]
    [MemberData(nameof(EnginesTimesProfiles))]
    public void ACallWithoutRacesReportsNone(string engine, SemanticsProfile profile)
    {
        using var m = Machine(engine, profile);
        var r = new MigrateResult { Races = new RaceReport() };
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0"), r));
        Assert.Null(r.Races);
    }
}
