using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Mirror;

/// <summary>Each change of the CPU page table drops the mirror entries it touches, on both engines; the next access faults again.</summary>
public class InvalidationTests
{
    public static TheoryData<string, string> EnginesTimesCauses()
    {
        var data = new TheoryData<string, string>();
        foreach (var engine in Systems.ScenarioLanguage.Running.MachineFactory.Engines)
        {
            foreach (var cause in new[] { "mprotect", "fork", "migrate-other", "migrate-ram", "swapout", "cpu-cow", "fault-back" })
            {
                data.Add(engine, cause);
            }
        }
        return data;
    }

    /// <summary>gpu0 mirrors pages 0..15 of a; the cause touches pages 0..7 (or the whole VMA); those entries die.</summary>
    [Theory]
    [MemberData(nameof(EnginesTimesCauses))]
    public void EachCauseDropsTheEntriesItTouches(string engine, string cause)
    {
        using var m = MirrorRig.Written(engine, 16);
        var half = new PageRange(0, 8);
        if (cause == "fault-back")
        {
            // Pages gpu1 migrated are gpu1's, mirrored by gpu1; a CPU read brings half of them back.
            Assert.Equal(16, m.MigrateTo("gpu1").Migrated);
            Assert.Equal(16, m.Mirrored(1));
            m.Touch("p", "a", half, Access.Read, 0, out var f);
            Assert.Equal(8, f.Device);
            Assert.Equal(8, m.Mirrored(1));
            Assert.Equal(8, m.Read("gpu1", "a", 1).Faults);
            return;
        }
        Assert.Equal(16, m.Read("gpu0", "a", 1).Faults);
        var expectLeft = 8;
        switch (cause)
        {
            case "mprotect":
                m.Mprotect("p", "a", true);
                expectLeft = 0;
                break;
            case "fork":
                m.Fork("p", "c");
                expectLeft = 0;
                break;
            case "migrate-other":
                Assert.Equal(8, m.MigrateTo("gpu1", range: half).Migrated);
                break;
            case "migrate-ram":
                Assert.Equal(8, m.MigrateTo("gpu1", range: half).Migrated);
                Assert.Equal(8, m.MigrateTo("ram", range: half).Migrated);
                Assert.Equal(0, m.Mirrored(1));
                break;
            case "swapout":
                Assert.Equal(Errno.None, m.SwapOut("p", "a", half, 1, out var swapped));
                Assert.Equal(8, swapped);
                break;
            case "cpu-cow":
                // After fork (which drops everything) gpu0 mirrors again; the parent's CPU writes copy half.
                m.Fork("p", "c");
                Assert.Equal(16, m.Read("gpu0", "a", 1).Faults);
                m.Touch("p", "a", half, Access.Write, 2, out var cow);
                Assert.Equal(8, cow.Cow);
                break;
        }
        Assert.Equal(expectLeft, m.Mirrored(0));
        var again = m.Read("gpu0", "a", cause == "cpu-cow" ? 2UL : 1UL, half);
        Assert.Equal(8, again.Faults);
        Assert.Equal(0, again.Mismatches);
        m.AssertClean();
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void ForkDropsReadOnlyEntriesOfPrivateMappingsButNotShared(string engine)
    {
        using var m = MirrorRig.Machine(engine);
        m.CreateProcess("p");
        m.Mmap("p", "r", 16, VmaKind.Anon, false, false);
        m.Mmap("p", "s", 16, VmaKind.SharedAnon, true, false);
        var r = new DeviceAccessResult();
        Assert.Equal(Errno.None, m.DeviceRead("gpu0", "p", "r", default, VerifyPattern.Zero, 0, r));
        Assert.Equal(16, m.Write("gpu0", "s", 3).Faults);
        Assert.Equal(32, m.Mirrored(0));
        m.Fork("p", "c");
        // Only the COW mapping is write-protected (and invalidated); shared memory keeps its entries.
        Assert.Equal(16, m.Mirrored(0));
        Assert.Equal(0, m.Write("gpu0", "s", 4).Faults);
        Assert.Equal(0, m.Mismatches("s", 4, proc: "c"));
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void MunmapDropsEntriesAndANewVmaOfTheSameNameStartsEmpty(string engine)
    {
        using var m = MirrorRig.Written(engine, 16);
        m.Read("gpu0", "a", 1);
        m.Munmap("p", "a");
        Assert.Equal(0, m.Mirrored(0));
        m.Mmap("p", "a", 16, VmaKind.Anon, true, false);
        m.Touch("p", "a", PageRange.All, Access.Write, 4, out _);
        Assert.Equal(16, m.Read("gpu0", "a", 4).Faults);
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void MigrationByTheDeviceMapsAndKeepsItsEntries(string engine)
    {
        using var m = MirrorRig.Written(engine, 16);
        Assert.Equal(16, m.Read("gpu0", "a", 1).Faults);
        Assert.Equal(16, m.Read("gpu1", "a", 1).Faults);
        Assert.Equal(16, m.MigrateTo("gpu0").Migrated);
        Assert.Equal(16, m.Mirrored(0));
        Assert.Equal(0, m.Mirrored(1));
        // Pages already on gpu0 stay mirrored through another migrate to gpu0.
        var again = m.MigrateTo("gpu0");
        Assert.Equal(16, again[MigrateReason.AlreadyOnTarget]);
        Assert.Equal(0, m.Read("gpu0", "a", 1).Faults);
    }

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void AFreedAndReusedFrameDoesNotReviveAStaleEntry(string engine)
    {
        using var m = MirrorRig.Written(engine, 1);
        Assert.Equal(1, m.Read("gpu0", "a", 1).Faults);
        // Swap out frees the frame; the swap-in takes the lowest free frame, the same one.
        Assert.Equal(Errno.None, m.SwapOut("p", "a", PageRange.All, 1, out _));
        m.Touch("p", "a", PageRange.All, Access.Read, 0, out var f);
        Assert.Equal(1, f.Swap);
        Assert.Equal(0, m.Mirrored(0));
        Assert.Equal(1, m.Read("gpu0", "a", 1).Faults);
    }
}
