using HmmEcs.Components.Memory;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using Xunit;

namespace HmmEcs.Tests.Hosting;

/// <summary>As the seed, a page that fails in lock-and-isolate or unmap is restored at the end of that phase: a host system after it sees it unlocked and mapped again.</summary>
public sealed class RestoreTimingTests
{
    private sealed class LockCounter : ISystem<MigrationContext>
    {
        private static readonly QueryDescription LockedPages = new QueryDescription().WithAll<Page, Locked>();

        public int Locked { get; private set; } = -1;

        public void Initialize()
        {
        }

        public void BeforeUpdate(in MigrationContext state)
        {
        }

        public void Update(in MigrationContext state) => Locked = state.World.CountEntities(LockedPages);

        public void AfterUpdate(in MigrationContext state)
        {
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public void PinnedAndUnmapFailuresAreRestoredAtTheirPhase()
    {
        using var m = new EcsMachine(new MachineConfig(4096, Devices: [new DeviceConfig("gpu0", 4096)]));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 1024, VmaKind.Anon, true, false);
        m.Touch("p", "buf", PageRange.All, Access.Write, 1, out _);
        m.Pin("p", "buf", PageRange.All, 8, true, out _);
        var afterLock = new LockCounter();
        var afterUnmap = new LockCounter();
        m.InsertSystem(MigrationPhase.LockAndIsolate, Position.After, afterLock);
        m.InsertSystem(MigrationPhase.Unmap, Position.After, afterUnmap);
        var result = new MigrateResult();
        m.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0") { Inject = new FailureInjection(0, 3, 0) }, result);
        // 128 pinned pages were restored (unlocked) at the end of lock-and-isolate; the 896 others still hold the helper's lock.
        Assert.Equal(1024 - 128, afterLock.Locked);
        Assert.Equal(1024 - 128 - result[Components.Migration.MigrateReason.Unmap], afterUnmap.Locked);
        Assert.True(result[Components.Migration.MigrateReason.Unmap] > 0);
        Assert.Equal(0, m.Stats().Locked);
    }
}
