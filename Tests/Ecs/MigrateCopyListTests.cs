using HmmEcs.Components.Memory;
using HmmEcs.Devices.Driver;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Ecs;

/// <summary>The copy lists alloc-and-copy builds while handing out destinations, and the per-call arrays of large requests.</summary>
public class MigrateCopyListTests
{
    private static IMachine Build(string engine, MachineConfig config, Action<IMachine> steps)
    {
        var m = MachineFactory.Create(engine, config);
        steps(m);
        return m;
    }

    [Fact]
    public void DeviceToRamUsesTheFirstSourceDeviceInAddressOrder()
    {
        // Pages 0..63 on gpu0 (512-page commands), 64..127 on gpu1 (8-page commands): back to RAM the
        // copy is charged with gpu0's parameters, as the first source in address order is on gpu0.
        var config = new MachineConfig(4096, PayloadMode.Token, 1,
            [new DeviceConfig("gpu0", 256, MaxBatchPages: 512), new DeviceConfig("gpu1", 256, MaxBatchPages: 8)]);
        MigrateResult Run(string engine)
        {
            using var m = Build(engine, config, m =>
            {
                m.CreateProcess("p");
                m.Mmap("p", "buf", 128, VmaKind.Anon, true, false);
                m.Touch("p", "buf", Access.Write, 5);
                m.Migrate("p", "buf", "gpu0", 0, 64);
                m.Migrate("p", "buf", "gpu1", 64, 64);
            });
            var back = m.Migrate("p", "buf", "ram");
            Assert.Equal(0, m.Verify("p", "buf", VerifyPattern.Seq, 5).Mismatches);
            return back;
        }
        var ecs = Run("ecs");
        var reference = Run("reference");
        Assert.Equal(128, ecs.Migrated);
        // Two runs of source frames (each device's pages start at frame 0), each one 64-page command under gpu0's limit.
        Assert.Equal(2, ecs.Copy.Batches);
        Assert.Equal(reference.Copy.Batches, ecs.Copy.Batches);
        Assert.Equal(reference.Copy.DeviceTimeUs, ecs.Copy.DeviceTimeUs);
    }

    [Fact]
    public void RequestsLargerThanThePooledLimitMigrateThereAndBack()
    {
        var pages = CallArrays.PooledLimit + 4096 + 7;
        var config = new MachineConfig(2 * pages, PayloadMode.Token, 1, [new DeviceConfig("gpu0", pages)]);
        (MigrateResult There, MigrateResult Back) Run(string engine)
        {
            using var m = Build(engine, config, m =>
            {
                m.CreateProcess("p");
                m.Mmap("p", "buf", pages, VmaKind.Anon, true, false);
                m.Touch("p", "buf", Access.Write, 9);
                Assert.Equal(Components.Migration.Errno.None, m.Pin("p", "buf", PageRange.All, 64, true, out _));
            });
            var there = m.Migrate("p", "buf", "gpu0");
            var small = m.Migrate("p", "buf", "ram", 0, 10);
            Assert.Equal(9, small.Migrated);
            var back = m.Migrate("p", "buf", "ram");
            Assert.Equal(0, m.Verify("p", "buf", VerifyPattern.Seq, 9).Mismatches);
            m.AssertClean();
            return (there, back);
        }
        var ecs = Run("ecs");
        var reference = Run("reference");
        Assert.Equal(pages - (pages + 63) / 64, ecs.There.Migrated);
        Assert.Equal(ecs.There.Migrated - 9, ecs.Back.Migrated);
        Assert.Equal(reference.There.Reasons, ecs.There.Reasons);
        Assert.Equal(reference.There.Copy.Batches, ecs.There.Copy.Batches);
        Assert.Equal(reference.Back.Reasons, ecs.Back.Reasons);
        Assert.Equal(reference.Back.Copy.DeviceTimeUs, ecs.Back.Copy.DeviceTimeUs);
        Assert.Equal(reference.There.PageOutcomes, ecs.There.PageOutcomes);
    }
}
