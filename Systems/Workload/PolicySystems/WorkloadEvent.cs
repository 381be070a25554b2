namespace HmmEcs.Systems.Workload.PolicySystems;

/// <summary>Why the workload's policy systems run now (<see cref="WorkloadContext.Event"/>).</summary>
public enum WorkloadEvent
{
    /// <summary>A fault batch ended: <see cref="WorkloadContext.Joined"/> holds the pages it brought to the device.</summary>
    BatchEnd,
    /// <summary>The device is full: add <see cref="WorkloadContext.VictimsWanted"/> victims with <see cref="WorkloadContext.AddVictim"/>.</summary>
    Evict,
    /// <summary>A VA block is about to be serviced: mark the pages to migrate beside its faulting ones in <see cref="WorkloadContext.PrefetchWanted"/>.</summary>
    Prefetch,
    /// <summary>A block's faulting pages not on the device (<see cref="WorkloadContext.ThrashCandidates"/>) record their inward event; mark the ones to pin.</summary>
    Thrash,
    /// <summary>Pages (<see cref="WorkloadContext.EvictedPages"/>) went back to RAM: thrashing's outward events.</summary>
    Evicted,
}
