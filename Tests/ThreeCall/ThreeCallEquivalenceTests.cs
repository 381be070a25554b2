using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Tests.Differential;

namespace HmmEcs.Tests.ThreeCall;

/// <summary>Under mainline, the one-call migrate is the three calls with the simulator's driver taking every page.</summary>
public class ThreeCallEquivalenceTests
{
    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void OneCallMigrateEqualsSetupAllocPagesFinalize(string engine)
    {
        using var one = ThreeCallRig.Machine(engine);
        using var three = ThreeCallRig.Machine(engine);
        foreach (var call in ThreeCallRig.Calls)
        {
            var a = new MigrateResult();
            var b = new MigrateResult();
            Assert.Equal(Errno.None, one.Migrate(new MigrateRequest(call.Proc, call.Vma, new PageRange(call.Start, call.End - call.Start), call.To, default, call.Select, call.Owner), a));
            Assert.Equal(Errno.None, ThreeCallRig.ThreeCalls(three, new MigrateVma(call.Proc, call.Vma, call.Start, call.End, call.To, call.Select, call.Owner), b));
            Assert.Equal(Canonical.Of(a), Canonical.Of(b));
            Assert.Equal(ThreeCallRig.State(one), ThreeCallRig.State(three));
        }
        Assert.Empty(three.Check().Details);
    }

    [Fact]
    public void BothEnginesGiveTheSameArraysAndResults()
    {
        using var ecs = ThreeCallRig.Machine("ecs");
        using var reference = ThreeCallRig.Machine("reference");
        var migrated = 0L;
        foreach (var call in ThreeCallRig.Calls)
        {
            var n = call.NPages;
            var (es, ed, rs, rd) = (new ulong[n], new ulong[n], new ulong[n], new ulong[n]);
            var (ea, ra) = (new MigrateVma(call.Proc, call.Vma, call.Start, call.End, call.To, call.Select), new MigrateVma(call.Proc, call.Vma, call.Start, call.End, call.To, call.Select));
            Assert.Equal(Errno.None, ecs.MigrateVmaSetup(ea, es, ed));
            Assert.Equal(Errno.None, reference.MigrateVmaSetup(ra, rs, rd));
            Assert.Equal(rs, es);
            Assert.Equal(ra.Cpages, ea.Cpages);
            ecs.MigrateVmaAllocAndCopy(ea, es, ed);
            reference.MigrateVmaAllocAndCopy(ra, rs, rd);
            Assert.Equal(rd, ed);
            ecs.MigrateVmaPages(ea, es, ed);
            reference.MigrateVmaPages(ra, rs, rd);
            Assert.Equal(rs, es);
            var (er, rr) = (new MigrateResult(), new MigrateResult());
            ecs.MigrateVmaFinalize(ea, es, ed, er);
            reference.MigrateVmaFinalize(ra, rs, rd, rr);
            Assert.Equal(Canonical.Of(rr), Canonical.Of(er));
            Assert.Equal(ThreeCallRig.State(reference), ThreeCallRig.State(ecs));
            migrated += er.Migrated;
        }
        Assert.True(migrated > 300, $"only {migrated} pages moved: the calls test little");
    }
}
