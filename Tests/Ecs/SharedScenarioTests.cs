using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Ecs;

/// <summary>The shared scenarios (/work/shared/scenarios) reproduced step by step through IMachine.</summary>
public class SharedScenarioTests
{
    [Fact]
    public void Quickstart()
    {
        using var m = MachineDsl.Machine(1_048_576, new DeviceConfig("gpu0", 8192));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 4096, VmaKind.Anon, true, false);
        Assert.Equal(4096, m.Touch("p", "buf", Access.Write, 7).New);
        var r = m.Migrate("p", "buf", "gpu0");
        Assert.Equal(4096, r.Requested);
        Assert.Equal(4096, r.Migrated);
        Assert.Equal(8, r.TlbFlushes);
        Assert.Equal(4096, r.Copy.Pages);
        Assert.Equal(8, r.Copy.Batches);
        var v = m.Verify("p", "buf", VerifyPattern.Seq, 7);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(4096, v.Device[0]);
        var s = m.Stats();
        Assert.Equal(4096, s.DeviceUsed[0]);
        Assert.Equal(0, s.RamUsed);
        m.AssertClean();
        Assert.Equal(4096, m.Touch("p", "buf", Access.Read).Device);
        v = m.Verify("p", "buf", VerifyPattern.Seq, 7);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(4096, v.Ram);
        s = m.Stats();
        Assert.Equal(0, s.DeviceUsed[0]);
        Assert.Equal(4096, s.RamUsed);
        m.AssertClean();
    }

    [Fact]
    public void ForkCow()
    {
        using var m = MachineDsl.Machine(1_048_576, new DeviceConfig("gpu0", 4096));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 1024, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 3);
        Assert.Equal(Errno.None, m.Fork("p", "c"));
        m.AssertClean();
        Assert.Equal(1024, m.Migrate("p", "buf", "gpu0").Migrated);
        m.AssertClean();
        var v = m.Verify("c", "buf", VerifyPattern.Seq, 3);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(1024, v.Device[0]);
        var f = m.Touch("c", "buf", Access.Write, 4, 0, 512);
        Assert.Equal(512, f.Device);
        Assert.Equal(512, f.Cow);
        v = m.Verify("p", "buf", VerifyPattern.Seq, 3);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(512, v.Ram);
        Assert.Equal(512, v.Device[0]);
        Assert.Equal(0, m.Verify("c", "buf", VerifyPattern.Seq, 4, 0, 512).Mismatches);
        m.AssertClean();
    }

    [Fact]
    public void PinnedAndSwap()
    {
        using var m = MachineDsl.Machine(1_048_576, new DeviceConfig("gpu0", 4096));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 2048, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 1);
        Assert.Equal(Errno.None, m.Pin("p", "buf", PageRange.All, 8, true, out var pinned));
        Assert.Equal(256, pinned);
        Assert.Equal(Errno.None, m.SwapOut("p", "buf", new PageRange(1024, 512), 1, out var swapped));
        Assert.Equal(448, swapped);
        var r = m.Migrate("p", "buf", "gpu0");
        Assert.Equal(2048, r.Requested);
        Assert.Equal(1344, r.Migrated);
        Assert.Equal(448, r[MigrateReason.Swap]);
        Assert.Equal(256, r[MigrateReason.Pinned]);
        var v = m.Verify("p", "buf", VerifyPattern.Seq, 1);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(1344, v.Device[0]);
        Assert.Equal(256, v.Ram);
        Assert.Equal(448, v.Swap);
        var s = m.Stats();
        Assert.Equal(256, s.Pinned);
        Assert.Equal(1344, s.DeviceUsed[0]);
        m.AssertClean();
    }
}
