using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Hosting;

/// <summary>A host appends a workload in code and sees its typed result, on both engines alike.</summary>
public class WorkloadHostingTests
{
    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void AHostRunsAWorkloadAndSeesItsCounters(string engine)
    {
        var request = new WorkloadRequest("gpu0", "p", "buf", PageRange.All, new AccessPattern(AccessPatternKind.Stream),
            Accesses: 1024, Parallel: 256, WriteFraction: 0, Seed: 1, FaultHandling.Default,
            EvictionPolicyKind.LeastRecentlyMigrated, PrefetchPolicyKind.Tree);
        using var sim = HostSimulation.FromConfig(new MachineConfig(8192, Devices: [new("gpu0", 256)]), engine)
            .Process("p").Mmap("p", "buf", 512).Touch("p", "buf", Access.Write, 1).Workload(request);
        var results = new List<StepResult>();
        sim.StepCompleted += results.Add;
        sim.RunToEnd();
        var w = Assert.IsType<WorkloadResult>(results[^1].Result);
        // 256 streams sweep 512 pages twice on a 256-page device: every access of each round faults.
        Assert.Equal((1024L, 0L, 1024L), (w.Accesses, w.Hits, w.Faults));
        Assert.Equal(4, w.Batches);
        Assert.Equal(768, w.Evicted);
    }
}
