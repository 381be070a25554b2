using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Reference;

/// <summary>The shared example scenarios (/work/shared/scenarios), step by step through IMachine.</summary>
public class SharedScenarioTests
{
    private static readonly DeviceConfig Gpu8192 = new("gpu0", 8192);

    [Fact]
    public void Quickstart()
    {
        using var rig = new Rig(1_048_576, PayloadMode.Token, Gpu8192);
        rig.Process("p");
        rig.Mmap("p", "buf", 4096);
        Assert.Equal(4096, rig.Write("p", "buf", 7).New);
        var m = rig.Migrate("p", "buf", "gpu0");
        Assert.Equal(4096, m.Requested);
        Assert.Equal(4096, m.Migrated);
        Assert.Equal(8, m.TlbFlushes);
        Assert.Equal(4096, m.Copy.Pages);
        Assert.Equal(4096L * 4096, m.Copy.Bytes);
        Assert.Equal(8, m.Copy.Batches);
        var v = rig.Verify("p", "buf", 7);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(4096, v.Device[0]);
        var s = rig.M.Stats();
        Assert.Equal(4096, s.DeviceUsed[0]);
        Assert.Equal(0, s.RamUsed);
        Assert.Equal(4096, rig.Touch("p", "buf", Access.Read).Device);
        v = rig.Verify("p", "buf", 7);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(4096, v.Ram);
        s = rig.M.Stats();
        Assert.Equal(0, s.DeviceUsed[0]);
        Assert.Equal(4096, s.RamUsed);
    }

    [Fact]
    public void PinnedAndSwap()
    {
        using var rig = new Rig(1_048_576, PayloadMode.Token, new DeviceConfig("gpu0", 4096));
        rig.Process("p");
        rig.Mmap("p", "buf", 2048);
        rig.Write("p", "buf", 1);
        Assert.Equal(256, rig.Pin("p", "buf", every: 8));
        Assert.Equal(448, rig.SwapOut("p", "buf", first: 1024, count: 512));
        var m = rig.Migrate("p", "buf", "gpu0");
        Assert.Equal(2048, m.Requested);
        Assert.Equal(1344, m.Migrated);
        Assert.Equal(448, m[MigrateReason.Swap]);
        Assert.Equal(256, m[MigrateReason.Pinned]);
        var v = rig.Verify("p", "buf", 1);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(1344, v.Device[0]);
        Assert.Equal(256, v.Ram);
        Assert.Equal(448, v.Swap);
        var s = rig.M.Stats();
        Assert.Equal(256, s.Pinned);
        Assert.Equal(1344, s.DeviceUsed[0]);
    }

    [Fact]
    public void ForkCow()
    {
        using var rig = new Rig(1_048_576, PayloadMode.Token, new DeviceConfig("gpu0", 4096));
        rig.Process("p");
        rig.Mmap("p", "buf", 1024);
        rig.Write("p", "buf", 3);
        rig.Ok(rig.M.Fork("p", "c"));
        Assert.Equal(1024, rig.Migrate("p", "buf", "gpu0").Migrated);
        var v = rig.Verify("c", "buf", 3);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(1024, v.Device[0]);
        var f = rig.Write("c", "buf", 4, count: 512);
        Assert.Equal(512, f.Device);
        Assert.Equal(512, f.Cow);
        v = rig.Verify("p", "buf", 3);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(512, v.Ram);
        Assert.Equal(512, v.Device[0]);
        Assert.Equal(0, rig.Verify("c", "buf", 4, count: 512).Mismatches);
    }
}
