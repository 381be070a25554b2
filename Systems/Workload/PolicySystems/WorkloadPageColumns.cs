namespace HmmEcs.Systems.Workload.PolicySystems;

/// <summary>
/// Which optional columns a workload's page entities have (<see cref="PageResidency"/> and <see cref="Resident"/>
/// always): those the request's policies use, or all of them when the host has a system.
/// </summary>
[Flags]
public enum WorkloadPageColumns
{
    /// <summary>Only <see cref="PageResidency"/> and <see cref="Resident"/>.</summary>
    None = 0,
    /// <summary><see cref="PageAccess"/>: a policy watches accesses (LRU, LFU, tree pre-eviction).</summary>
    Access = 1,
    /// <summary><see cref="PageUses"/>: LFU.</summary>
    Uses = 2,
    /// <summary><see cref="PageFaults"/>: for a host's systems.</summary>
    Faults = 4,
    /// <summary><see cref="PageThrash"/>: a thrashing policy.</summary>
    Thrash = 8,
    /// <summary>Every column.</summary>
    All = Access | Uses | Faults | Thrash,
}
