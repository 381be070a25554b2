using HmmEcs.Engine;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.PolicySystems;

namespace HmmEcs.Tests.Workload;

/// <summary>
/// The ECS engine's workload policies are systems a host can add to and reorder without touching the engine
/// (docs/hosting.md, "Workload policies as systems"; <see cref="MostRecentlyJoinedFirst"/> is its example).
/// </summary>
public class WorkloadPolicySystemTests
{
    // docs/hosting.md's example, as written there.
    /// <summary>Evicts the resident page that joined the device last (MRU: a cyclic sweep larger than the device keeps the rest).</summary>
    private sealed class MostRecentlyJoinedFirst : WorkloadPolicySystem
    {
        public override void Update(in WorkloadContext state)
        {
            if (state.Event != WorkloadEvent.Evict)
            {
                return;
            }
            while (state.NeedsVictims)
            {
                var victim = -1;
                var latest = long.MinValue;
                for (var page = 0; page < state.Pages; page++)
                {
                    if (state.IsResident(page) && state.Residency(page).Since > latest)
                    {
                        (victim, latest) = (page, state.Residency(page).Since);
                    }
                }
                if (victim < 0 || !state.AddVictim(victim))
                {
                    return;
                }
            }
        }
    }

    /// <summary>A host prefetch policy: every faulting block migrates whole.</summary>
    private sealed class WholeBlock : WorkloadPolicySystem
    {
        public override void Update(in WorkloadContext state)
        {
            if (state.Event == WorkloadEvent.Prefetch)
            {
                state.PrefetchWanted[state.BlockLo..state.BlockHi].Fill(true);
            }
        }
    }

    /// <summary>Notes its name in a shared log on the first event of each workload it sees.</summary>
    private sealed class Recorder(string name, List<string> log) : WorkloadPolicySystem
    {
        public override void Update(in WorkloadContext state)
        {
            if (log.Count < 2)
            {
                log.Add(name);
            }
        }
    }

    /// <summary>At every batch end, the resident page entities and the faults on all page entities, read through the world.</summary>
    private sealed class PageCensus : WorkloadPolicySystem
    {
        public long MostResident;
        public long Faults;

        public override void Update(in WorkloadContext state)
        {
            if (state.Event != WorkloadEvent.BatchEnd)
            {
                return;
            }
            MostResident = Math.Max(MostResident, state.World.CountEntities(new QueryDescription().WithAll<PageResidency, Resident>()));
            long faults = 0;
            foreach (var chunk in state.World.Query(new QueryDescription().WithAll<PageFaults>()))
            {
                foreach (ref var page in chunk.GetSpan<PageFaults>())
                {
                    faults += page.Count;
                }
            }
            Faults = faults;
        }
    }

    /// <summary>A 1,024-page VMA the CPU wrote, on a machine whose device holds <paramref name="devicePages"/>.</summary>
    private static HostSimulation Machine(long devicePages) =>
        HostSimulation.FromConfig(new MachineConfig(4096, Devices: [new("gpu0", devicePages)]), "ecs")
            .Process("p").Mmap("p", "buf", 1024).Touch("p", "buf", Access.Write, 1);

    private static WorkloadRequest Stream(long accesses, int parallel, EvictionPolicyKind evict = EvictionPolicyKind.None) =>
        new("gpu0", "p", "buf", PageRange.All, new AccessPattern(AccessPatternKind.Stream), accesses, parallel, WriteFraction: 0,
            Seed: 1, FaultHandling.Default, evict);

    private static WorkloadResult RunLast(HostSimulation sim, WorkloadRequest request)
    {
        sim.Workload(request);
        var results = sim.RunToEnd();
        Assert.Null(results[^1].ErrorName);
        return Assert.IsType<WorkloadResult>(results[^1].Result);
    }

    private static WorkloadResult Sweep(ISystem<WorkloadContext>? host, bool after)
    {
        using var sim = Machine(512);
        if (host is not null)
        {
            ((EcsMachine)sim.Machine).WorkloadPolicies.Insert(WorkloadPolicySlot.Eviction, after, host);
        }
        // Four cyclic passes over 1,024 pages on a 512-page device, least recently migrated unless the host chooses first.
        return RunLast(sim, Stream(4096, 64, EvictionPolicyKind.LeastRecentlyMigrated));
    }

    [Fact]
    public void AHostEvictionPolicyBeforeTheBuiltInChoosesTheVictims()
    {
        var lrm = Sweep(null, after: false);
        var mruFirst = Sweep(new MostRecentlyJoinedFirst(), after: false);
        // A FIFO-ordered device misses every access of a cyclic sweep twice its size; MRU keeps most of the device resident (about 448 pages: 576 misses a pass, not 1,024).
        Assert.Equal(4096, lrm.Faults);
        Assert.True(4 * mruFirst.Faults <= 3 * lrm.Faults, $"mru {mruFirst.Faults} faults, lrm {lrm.Faults}");
        Assert.True(mruFirst.Evicted < lrm.Evicted, $"mru {mruFirst.Evicted} evicted, lrm {lrm.Evicted}");
    }

    [Fact]
    public void AHostEvictionPolicyAfterTheBuiltInNeverChooses()
    {
        var lrm = Sweep(null, after: false);
        var mruAfter = Sweep(new MostRecentlyJoinedFirst(), after: true);
        Assert.Equal((lrm.Faults, lrm.Evicted, lrm.MigratedPages, lrm.Batches), (mruAfter.Faults, mruAfter.Evicted, mruAfter.MigratedPages, mruAfter.Batches));
    }

    [Fact]
    public void AHostPrefetchPolicyMigratesWholeBlocks()
    {
        using var sim = Machine(2048);
        ((EcsMachine)sim.Machine).WorkloadPolicies.Insert(WorkloadPolicySlot.Prefetch, after: false, new WholeBlock());
        var w = RunLast(sim, Stream(1024, 1));
        // One stream over two blocks: the first fault of each brings the block whole, every other access hits.
        Assert.Equal((2L, 1024L, 1022L, 1022L), (w.Batches, w.MigratedPages, w.Prefetched, w.PrefetchUsed));
    }

    [Fact]
    public void TheHostChangesTheOrderOfThePolicies()
    {
        var log = new List<string>();
        using var sim = Machine(2048);
        var policies = ((EcsMachine)sim.Machine).WorkloadPolicies;
        policies.Insert(WorkloadPolicySlot.Eviction, after: true, new Recorder("after-eviction", log));
        policies.Insert(WorkloadPolicySlot.Prefetch, after: true, new Recorder("after-prefetch", log));
        RunLast(sim, Stream(64, 1));
        Assert.Equal(["after-prefetch", "after-eviction"], log);
        log.Clear();
        policies.SlotOrder = [WorkloadPolicySlot.Eviction, WorkloadPolicySlot.Thrashing, WorkloadPolicySlot.Prefetch];
        RunLast(sim, Stream(64, 1));
        Assert.Equal(["after-eviction", "after-prefetch"], log);
        Assert.Throws<ArgumentException>(() => policies.SlotOrder = [WorkloadPolicySlot.Eviction, WorkloadPolicySlot.Eviction, WorkloadPolicySlot.Prefetch]);
    }

    [Fact]
    public void ThePageEntitiesCarryResidencyAndFaults()
    {
        var census = new PageCensus();
        using var sim = Machine(512);
        var policies = ((EcsMachine)sim.Machine).WorkloadPolicies;
        policies.Insert(WorkloadPolicySlot.Eviction, after: true, census);
        var w = RunLast(sim, Stream(4096, 64, EvictionPolicyKind.LeastRecentlyUsed));
        Assert.Equal(512, census.MostResident);
        Assert.Equal(w.Faults, census.Faults);
        Assert.True(policies.Remove(census));
        Assert.False(policies.Remove(census));
    }

    [Fact]
    public void ThePageEntitiesHaveOnlyTheColumnsTheirPoliciesUseOrAllForAHost()
    {
        static WorkloadPageColumns Columns(WorkloadPolicies policies, WorkloadRequest request, long withAll)
        {
            var (_, context, builtIns) = policies.Begin(request, 0, 1024);
            using var group = builtIns;
            using var world = context!;
            Assert.Equal(withAll, world.World.CountEntities(new QueryDescription().WithAll<PageAccess, PageUses, PageFaults, PageThrash>()));
            Assert.Equal(1024, world.World.CountEntities(new QueryDescription().WithAll<PageResidency>()));
            if ((world.Columns & WorkloadPageColumns.Thrash) == 0)
            {
                Assert.Throws<InvalidOperationException>(() => world.Thrash(3).Run);
            }
            return world.Columns;
        }
        var thrash = new ThrashPolicy(3, 500, ThrashAction.Pin, 100, 10);
        var own = new WorkloadPolicies();
        Assert.Equal(WorkloadPageColumns.Access, Columns(own, Stream(1, 1, EvictionPolicyKind.LeastRecentlyUsed), 0));
        Assert.Equal(WorkloadPageColumns.Access | WorkloadPageColumns.Uses, Columns(own, Stream(1, 1, EvictionPolicyKind.LeastFrequentlyUsed), 0));
        Assert.Equal(WorkloadPageColumns.Thrash, Columns(own, Stream(1, 1, EvictionPolicyKind.LeastRecentlyMigrated) with { Thrash = thrash }, 0));
        var hosted = new WorkloadPolicies();
        hosted.Insert(WorkloadPolicySlot.Prefetch, after: true, new Recorder("census", []));
        Assert.Equal(WorkloadPageColumns.All, Columns(hosted, Stream(1, 1, EvictionPolicyKind.LeastRecentlyMigrated), 1024));
    }
}
