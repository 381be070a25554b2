using HmmEcs.Components.Content;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Reference;

/// <summary>Bytes-mode content through every move, and the copy statistics of the copy-engine model.</summary>
public class ContentAndCopyTests
{
    [Fact]
    public void BytesModeContentSurvivesEveryMove()
    {
        using var rig = new Rig(4096, PayloadMode.Bytes, new DeviceConfig("gpu0", 1024), new DeviceConfig("cxl", 1024, Addressable: true));
        rig.Process("p");
        rig.Mmap("p", "buf", 256);
        rig.Write("p", "buf", 11);
        Assert.Equal(256, rig.Migrate("p", "buf", "gpu0").Migrated);
        Assert.Equal(0, rig.Verify("p", "buf", 11).Mismatches);
        Assert.Equal(128, rig.Migrate("p", "buf", "cxl", count: 128).Migrated);
        Assert.Equal(64, rig.Touch("p", "buf", Access.Read, first: 192).Device);
        Assert.Equal(32, rig.SwapOut("p", "buf", first: 224));
        rig.Ok(rig.M.Fork("p", "c"));
        var f = rig.Write("c", "buf", 12, first: 64, count: 128);
        Assert.Equal(64, f.Device);
        Assert.Equal(128, f.Cow);
        Assert.Equal(0, rig.Verify("p", "buf", 11).Mismatches);
        Assert.Equal(0, rig.Verify("c", "buf", 12, first: 64, count: 128).Mismatches);
        Assert.Equal(0, rig.Verify("c", "buf", 11, count: 64).Mismatches);
        Assert.Equal(0, rig.Verify("c", "buf", 11, first: 192).Mismatches);
        var views = rig.Inspect("p", "buf", 0, 256);
        for (var i = 0; i < 256; i++)
        {
            Assert.Equal(Stamp.Of(11, i), views[i].Content);
        }
        Assert.Equal(256, rig.Verify("p", "buf", 12).Mismatches);
        rig.Touch("p", "buf", Access.Read);
        Assert.Equal(0, rig.Verify("p", "buf", 11).Mismatches);
    }

    [Fact]
    public void BytesModeFilePagesAndPageCacheHoles()
    {
        using var rig = new Rig(4096, PayloadMode.Bytes, new DeviceConfig("cxl", 1024, Addressable: true));
        rig.Process("p");
        rig.Mmap("p", "f", 64, VmaKind.File);
        rig.Write("p", "f", 3);
        rig.Ok(rig.M.Fork("p", "c"));
        Assert.Equal(64, rig.Migrate("c", "f", "cxl").Migrated);
        var v = rig.Verify("p", "f", 3);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(64, v.Device[0]);
    }

    [Fact]
    public void CopyStatsFollowTheCopyModel()
    {
        var gpu = new DeviceConfig("gpu0", 4096, MaxBatchPages: 100, CopyEngines: 2);
        using var rig = new Rig(8192, PayloadMode.Token, gpu);
        rig.Process("p");
        rig.Mmap("p", "buf", 1024);
        rig.Write("p", "buf", 1);
        var r = rig.Migrate("p", "buf", "gpu0");
        var p = new CopyParams(2, 24, 5, 100);
        var src = new long[1024];
        for (var i = 0; i < 1024; i++)
        {
            src[i] = i;
        }
        var expected = CopyModel.Cost(src, src, p, new double[2]);
        Assert.Equal(11, r.Copy.Batches);
        Assert.Equal(expected.Batches, r.Copy.Batches);
        Assert.Equal(expected.DeviceTimeUs, r.Copy.DeviceTimeUs, 6);
        Assert.Equal(1024, r.Copy.Pages);
        Assert.Equal(1024L * 4096, r.Copy.Bytes);
    }

    [Fact]
    public void InterleavedFramesCopyPageByPage()
    {
        using var rig = new Rig(8192, PayloadMode.Token, new DeviceConfig("gpu0", 4096));
        rig.Process("p");
        rig.Mmap("p", "a", 64);
        rig.Mmap("p", "b", 64);
        for (var i = 0; i < 64; i++)
        {
            rig.Write("p", "a", 1, first: i, count: 1);
            rig.Write("p", "b", 2, first: i, count: 1);
        }
        var r = rig.Migrate("p", "a", "gpu0");
        Assert.Equal(64, r.Copy.Batches); // sources 0,2,4…: no two consecutive
        r = rig.Migrate("p", "b", "gpu0");
        Assert.Equal(64, r.Copy.Batches);
        // Back to RAM: device pages 0..63 of a go to the lowest free frames, 0,1,2…; b's then follow.
        r = rig.Migrate("p", "a", "ram");
        Assert.Equal(1, r.Copy.Batches);
        Assert.Equal(0, rig.Verify("p", "a", 1).Mismatches);
        Assert.Equal(0, rig.Verify("p", "b", 2).Mismatches);
    }

    [Fact]
    public void ToRamUsesTheFirstSourceDevicesParams()
    {
        var g0 = new DeviceConfig("gpu0", 1024, LatencyUs: 5);
        var g1 = new DeviceConfig("gpu1", 1024, LatencyUs: 50);
        using var rig = new Rig(8192, PayloadMode.Token, g0, g1);
        rig.Process("p");
        rig.Mmap("p", "buf", 200);
        rig.Write("p", "buf", 1);
        rig.Migrate("p", "buf", "gpu1", count: 100);
        rig.Migrate("p", "buf", "gpu0", first: 100);
        var r = rig.Migrate("p", "buf", "ram");
        Assert.Equal(200, r.Migrated);
        Assert.Equal(2, r.Copy.Batches); // device page numbers restart at gpu0's 0: two commands
        var p = new CopyParams(1, 24, 50, 512);
        Assert.Equal(2 * p.CommandUs(100), r.Copy.DeviceTimeUs, 6);
        Assert.Equal(0, rig.Verify("p", "buf", 1).Mismatches);
    }

    [Fact]
    public void DeviceToDeviceUsesTheTarget()
    {
        using var rig = new Rig(8192, PayloadMode.Bytes, new DeviceConfig("gpu0", 1024), new DeviceConfig("gpu1", 1024, MaxBatchPages: 10));
        rig.Process("p");
        rig.Mmap("p", "buf", 100);
        rig.Write("p", "buf", 1);
        rig.Migrate("p", "buf", "gpu0");
        var r = rig.Migrate("p", "buf", "gpu1");
        Assert.Equal(100, r.Migrated);
        Assert.Equal(10, r.Copy.Batches);
        Assert.Equal(0, rig.M.Stats().DeviceUsed[0]);
        Assert.Equal(0, rig.Verify("p", "buf", 1).Mismatches);
        Assert.Equal(MigrateReason.None, r.PageOutcomes[99]);
    }
}
