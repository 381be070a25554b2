using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Ecs;

/// <summary>
/// The helper's src/dst/outcome arrays are the machine's, kept across calls: a call that follows a larger one must
/// see nothing of it, and a result object handed back gets its outcome array refilled, not shared with the helper.
/// </summary>
public class CallArrayReuseTests
{
    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void CallsOfShrinkingAndGrowingSizesSeeOnlyTheirOwnPages(string engine)
    {
        using var m = MachineFactory.Create(engine, new MachineConfig(RamPages: 16384, Devices: [new DeviceConfig("gpu0", 16384)]));
        Assert.Equal(Errno.None, m.CreateProcess("p"));
        Assert.Equal(Errno.None, m.Mmap("p", "buf", 5000, VmaKind.Anon, writable: true, thp: false));
        // Pages 0..2999 written, the rest holes: a large call fills the arrays with collected pages and holes alike.
        Assert.Equal(Errno.None, m.Touch("p", "buf", new PageRange(0, 3000), Access.Write, 7, out _));
        Assert.Equal(Errno.None, m.Pin("p", "buf", new PageRange(0, 3000), 10, take: true, out _));
        var result = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0"), result));
        var first = result.PageOutcomes;
        Assert.Equal(5000, first.Length);
        Assert.Equal(2700, result.Migrated);
        Assert.Equal(300, result[MigrateReason.Pinned]);
        Assert.Equal(2000, result[MigrateReason.Hole]);
        var kept = (MigrateReason[])first.Clone();

        // A smaller call back to RAM with the same result object: its own outcomes, sized to its range.
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "buf", new PageRange(2990, 20), MigrateTargets.Ram), result));
        Assert.Equal(20, result.PageOutcomes.Length);
        Assert.Equal(9, result.Migrated);
        Assert.Equal(1, result[MigrateReason.AlreadyOnTarget]);
        Assert.Equal(10, result[MigrateReason.Hole]);
        Assert.Equal(kept, first);

        // The same size again: the ECS engine refills the result's own array in place.
        var again = new MigrateResult { PageOutcomes = new MigrateReason[5000] };
        var array = again.PageOutcomes;
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "buf", PageRange.All, MigrateTargets.Ram), again));
        if (engine == "ecs")
        {
            // The reference engine, kept plain, allocates its outcomes per call.
            Assert.Same(array, again.PageOutcomes);
        }
        Assert.Equal(2691, again.Migrated);
        Assert.Equal(0, again[MigrateReason.Pinned]);
        Assert.Equal(2000, again[MigrateReason.Hole]);
        // The pinned pages never left RAM, and 2991..2999 came back with the call before.
        Assert.Equal(309, again[MigrateReason.AlreadyOnTarget]);
        Assert.Equal(MigrateReason.AlreadyOnTarget, again.PageOutcomes[2991]);
        Assert.Equal(MigrateReason.AlreadyOnTarget, again.PageOutcomes[2990]);
        Assert.Equal(MigrateReason.None, again.PageOutcomes[2989]);
        Assert.Equal(MigrateReason.Hole, again.PageOutcomes[4999]);
        var v = new VerifyResult();
        Assert.Equal(Errno.None, m.Verify("p", "buf", new PageRange(0, 3000), VerifyPattern.Seq, 7, v));
        Assert.Equal(0, v.Mismatches);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void OutcomesGivenToOneResultAreNotTheNextCallsArray(string engine)
    {
        // A call of the arrays' whole size hands its outcome array to a fresh result instead of copying it: the next
        // call of that size must write its outcomes elsewhere.
        using var m = MachineFactory.Create(engine, new MachineConfig(RamPages: 8192, Devices: [new DeviceConfig("gpu0", 8192)]));
        Assert.Equal(Errno.None, m.CreateProcess("p"));
        Assert.Equal(Errno.None, m.Mmap("p", "buf", 2048, VmaKind.Anon, writable: true, thp: false));
        Assert.Equal(Errno.None, m.Touch("p", "buf", PageRange.All, Access.Write, 3, out _));
        Assert.Equal(Errno.None, m.Pin("p", "buf", PageRange.All, 4, take: true, out _));
        var toDevice = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0"), toDevice));
        var kept = (MigrateReason[])toDevice.PageOutcomes.Clone();
        Assert.Equal(512, toDevice[MigrateReason.Pinned]);
        var back = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "buf", PageRange.All, MigrateTargets.Ram), back));
        Assert.Equal(512, back[MigrateReason.AlreadyOnTarget]);
        Assert.NotSame(toDevice.PageOutcomes, back.PageOutcomes);
        Assert.Equal(kept, toDevice.PageOutcomes);
        Assert.Equal(MigrateReason.AlreadyOnTarget, back.PageOutcomes[0]);
        Assert.Equal(MigrateReason.Pinned, toDevice.PageOutcomes[0]);
    }
}
