using HmmEcs.Components.Memory;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using Xunit;

namespace HmmEcs.Tests.Hosting;

public sealed class InsertionTests
{
    private static EcsMachine Machine()
    {
        var m = new EcsMachine(new MachineConfig(4096, Devices: [new DeviceConfig("gpu0", 4096)]));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 1024, VmaKind.Anon, true, false);
        m.Touch("p", "buf", PageRange.All, Access.Write, 1, out _);
        m.Pin("p", "buf", PageRange.All, 8, true, out _);
        return m;
    }

    [Fact]
    public void InsertedSystemsRunAtTheirPointsInOrder()
    {
        using var m = Machine();
        var log = new List<string>();
        var beforeCollect = new RecordingSystem("before-collect", log);
        var afterLock = new RecordingSystem("after-lock", log);
        var afterLock2 = new RecordingSystem("after-lock-2", log);
        var beforeUnmap = new RecordingSystem("before-unmap", log);
        var afterRemove = new RecordingSystem("after-remove", log);
        m.InsertSystem(MigrationPhase.RemoveMigrationEntries, Position.After, afterRemove);
        m.InsertSystem(MigrationPhase.LockAndIsolate, Position.After, afterLock);
        m.InsertSystem(MigrationPhase.Collect, Position.Before, beforeCollect);
        m.InsertSystem(MigrationPhase.LockAndIsolate, Position.After, afterLock2);
        m.InsertSystem(MigrationPhase.Unmap, Position.Before, beforeUnmap);
        Assert.Equal(1, afterLock.Initialized);

        var result = new MigrateResult();
        Assert.Equal(Components.Migration.Errno.None, m.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0"), result));

        Assert.Equal(["before-collect", "after-lock", "after-lock-2", "before-unmap", "after-remove"], log);
        Assert.Equal(0, beforeCollect.Collected);
        Assert.Equal(0, beforeCollect.TaggedMigrate);
        // After lock-and-isolate the 896 unpinned pages are still migrating, and tagged Migrate in the world.
        Assert.Equal(1024 - 128, afterLock.InFlight);
        Assert.Equal(afterLock.InFlight, afterLock.TaggedMigrate);
        Assert.Equal(0, afterLock.Migrated);
        Assert.Equal(1024 - 128, afterRemove.Migrated);
        Assert.Equal(result.Migrated, afterRemove.Migrated);

        // They run again on every migrate (here one back to RAM).
        log.Clear();
        m.Migrate(new MigrateRequest("p", "buf", new PageRange(0, 64), "ram"), result);
        Assert.Equal(5, log.Count);
        Assert.Equal(56, afterLock.InFlight);
    }

    [Fact]
    public void InFlightIsReadFromTheOutcomesAtEveryPoint()
    {
        using var m = Machine();
        var log = new List<string>();
        var beforeCollect = new RecordingSystem("before-collect", log);
        var afterUnmap = new RecordingSystem("after-unmap", log);
        var afterRemove = new RecordingSystem("after-remove", log);
        m.InsertSystem(MigrationPhase.Collect, Position.Before, beforeCollect);
        m.InsertSystem(MigrationPhase.Unmap, Position.After, afterUnmap);
        m.InsertSystem(MigrationPhase.RemoveMigrationEntries, Position.After, afterRemove);
        var result = new MigrateResult();
        m.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0"), result);

        Assert.Equal(0, beforeCollect.InFlight);
        Assert.Equal(afterUnmap.TaggedMigrate, afterUnmap.InFlight);
        // Once remove-migration-entries ran, the pages that did not give up are the migrated ones (their tags are gone).
        Assert.Equal(0, afterRemove.TaggedMigrate);
        Assert.Equal(result.Migrated, afterRemove.InFlight);
    }

    [Fact]
    public void InsertedSystemsDoNotChangeTheOutcome()
    {
        using var plain = Machine();
        using var hosted = Machine();
        var log = new List<string>();
        foreach (var phase in Enum.GetValues<MigrationPhase>())
        {
            hosted.InsertSystem(phase, Position.Before, new RecordingSystem($"b-{phase}", log));
            hosted.InsertSystem(phase, Position.After, new RecordingSystem($"a-{phase}", log));
        }
        var a = new MigrateResult();
        var b = new MigrateResult();
        plain.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0"), a);
        hosted.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0"), b);
        Assert.Equal(14, log.Count);
        Assert.Equal("b-Collect", log[0]);
        Assert.Equal("a-RemoveMigrationEntries", log[^1]);
        Assert.Equal(a.PageOutcomes, b.PageOutcomes);
        Assert.Equal(a.Reasons, b.Reasons);
        Assert.Equal(a.TlbFlushes, b.TlbFlushes);
        var va = new PageView[1024];
        var vb = new PageView[1024];
        plain.Inspect("p", "buf", 0, va);
        hosted.Inspect("p", "buf", 0, vb);
        Assert.Equal(va, vb);
    }

    [Fact]
    public void HostSimulationInsertsIntoTheEcsPipeline()
    {
        using var sim = HostSimulation.FromJson(HostingScenarios.Small, "ecs");
        var log = new List<string>();
        var probe = new RecordingSystem("probe", log);
        sim.InsertSystem(MigrationPhase.Unmap, Position.After, probe);
        sim.RunToEnd();
        // Two migrate steps, and the write touch after the first brings device pages back through the pipeline too.
        Assert.True(log.Count >= 2, $"ran {log.Count} times");
        Assert.True(probe.InFlight >= 0);
    }
}
