using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.ThreeCall;

/// <summary>Each misuse of the three calls is a clear exception that changes nothing; a kernel-level refusal is EINVAL.</summary>
public class ThreeCallMisuseTests
{
    public static TheoryData<string> Engines => new() { "ecs", "reference" };

    [Theory]
    [MemberData(nameof(Engines))]
    public void PagesOrFinalizeBeforeSetupThrows(string engine)
    {
        using var m = ThreeCallRig.Machine(engine);
        var args = new MigrateVma("p", "a", 0, 8, "gpu0");
        var (src, dst) = (new ulong[8], new ulong[8]);
        Assert.Contains("before migrate_vma_setup", Assert.Throws<InvalidOperationException>(() => m.MigrateVmaPages(args, src, dst)).Message);
        Assert.Contains("before migrate_vma_setup", Assert.Throws<InvalidOperationException>(() => m.MigrateVmaFinalize(args, src, dst, new MigrateResult())).Message);
        Assert.Contains("before migrate_vma_setup", Assert.Throws<InvalidOperationException>(() => m.MigrateVmaAllocAndCopy(args, src, dst)).Message);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void FinalizeTwiceAndPagesTwiceThrow(string engine)
    {
        using var m = ThreeCallRig.Machine(engine);
        var args = new MigrateVma("p", "a", 0, 8, "gpu0");
        var (src, dst) = (new ulong[8], new ulong[8]);
        Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src, dst));
        m.MigrateVmaAllocAndCopy(args, src, dst);
        Assert.Contains("already ran", Assert.Throws<InvalidOperationException>(() => m.MigrateVmaAllocAndCopy(args, src, dst)).Message);
        Assert.Contains("before migrate_vma_pages", Assert.Throws<InvalidOperationException>(() => m.MigrateVmaFinalize(args, src, dst, new MigrateResult())).Message);
        m.MigrateVmaPages(args, src, dst);
        Assert.Contains("after migrate_vma_pages", Assert.Throws<InvalidOperationException>(() => m.MigrateVmaPages(args, src, dst)).Message);
        m.MigrateVmaFinalize(args, src, dst, new MigrateResult());
        Assert.Contains("already finalized", Assert.Throws<InvalidOperationException>(() => m.MigrateVmaFinalize(args, src, dst, new MigrateResult())).Message);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void WrongLengthsThrowAndChangeNothing(string engine)
    {
        using var m = ThreeCallRig.Machine(engine);
        var before = ThreeCallRig.State(m);
        var args = new MigrateVma("p", "a", 0, 64, "gpu0");
        var ex = Assert.Throws<ArgumentException>(() => m.MigrateVmaSetup(args, new ulong[63], new ulong[64]));
        Assert.Contains("src has 63 entries and dst 64; the range [0, 64) needs 64 each", ex.Message);
        Assert.Equal(MigrateVmaStage.Idle, args.Stage);
        Assert.Equal(before, ThreeCallRig.State(m));
        var (src, dst) = (new ulong[64], new ulong[64]);
        Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src, dst));
        Assert.Throws<ArgumentException>(() => m.MigrateVmaPages(args, src, new ulong[65]));
        m.MigrateVmaPages(args, src, dst);
        m.MigrateVmaFinalize(args, src, dst, new MigrateResult());
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void ADstThePageDidNotGetOrASrcNotGivenIsRefused(string engine)
    {
        using var m = ThreeCallRig.Machine(engine);
        var args = new MigrateVma("p", "a", 0, 16, "gpu0");
        var (src, dst) = (new ulong[16], new ulong[16]);
        Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src, dst));
        var forged = (ulong[])src.Clone();
        forged[1] ^= MigratePfn.Write;
        Assert.Contains("src[1]", Assert.Throws<ArgumentException>(() => m.MigrateVmaAllocAndCopy(args, forged, dst)).Message);
        m.MigrateVmaAllocAndCopy(args, src, dst);
        var swapped = (ulong[])dst.Clone();
        (swapped[1], swapped[2]) = (dst[2], dst[1]);
        Assert.Contains("dst[1]", Assert.Throws<ArgumentException>(() => m.MigrateVmaPages(args, src, swapped)).Message);
        m.MigrateVmaPages(args, src, dst);
        m.MigrateVmaFinalize(args, src, dst, new MigrateResult());
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void NothingElseRunsWhileACallIsOpen(string engine)
    {
        using var m = ThreeCallRig.Machine(engine);
        var args = new MigrateVma("p", "a", 0, 16, "gpu0");
        var (src, dst) = (new ulong[16], new ulong[16]);
        Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src, dst));
        Assert.Contains("is open", Assert.Throws<InvalidOperationException>(() => m.Touch("p", "a", PageRange.All, Access.Read, 0, out _)).Message);
        Assert.Throws<InvalidOperationException>(() => m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0"), new MigrateResult()));
        Assert.Throws<InvalidOperationException>(() => m.MigrateVmaSetup(new MigrateVma("p", "f", 0, 16, "gpu0"), new ulong[16], new ulong[16]));
        Assert.Throws<InvalidOperationException>(() => m.Stats());
        Assert.Throws<InvalidOperationException>(() => m.Check());
        Assert.Throws<InvalidOperationException>(() => m.Evict("gpu0", out _));
        m.MigrateVmaPages(args, src, dst);
        m.MigrateVmaFinalize(args, src, dst, new MigrateResult());
        Assert.Equal(Errno.None, m.Touch("p", "a", PageRange.All, Access.Read, 0, out _));
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void OutsideMainlineOrWithBadArgumentsSetupIsEinval(string engine)
    {
        using (var v13 = ThreeCallRig.Machine(engine, SemanticsProfile.V13))
        {
            Assert.Equal(Errno.EINVAL, v13.MigrateVmaSetup(new MigrateVma("p", "a", 0, 8, "gpu0"), new ulong[8], new ulong[8]));
        }
        using var m = ThreeCallRig.Machine(engine);
        Assert.Equal(Errno.EINVAL, m.MigrateVmaSetup(new MigrateVma("p", "a", 290, 310, "gpu0"), new ulong[20], new ulong[20]));
        Assert.Equal(Errno.EINVAL, m.MigrateVmaSetup(new MigrateVma("p", "a", 0, 8, "nv"), new ulong[8], new ulong[8]));
        Assert.Equal(Errno.EINVAL, m.MigrateVmaSetup(new MigrateVma("p", "a", 0, 8, "gpu0", MigrateSelect.None), new ulong[8], new ulong[8]));
        // A refused setup leaves no call open.
        Assert.Equal(Errno.None, m.Touch("p", "a", PageRange.All, Access.Read, 0, out _));
    }
}
