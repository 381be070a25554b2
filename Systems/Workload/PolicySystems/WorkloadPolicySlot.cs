namespace HmmEcs.Systems.Workload.PolicySystems;

/// <summary>The places of the request's own policies in the run order, around which a host inserts its systems.</summary>
public enum WorkloadPolicySlot
{
    /// <summary>The thrashing policy (<c>thrash</c>).</summary>
    Thrashing,
    /// <summary>The prefetch policy (<c>prefetch</c>).</summary>
    Prefetch,
    /// <summary>The eviction policy (<c>evict</c>).</summary>
    Eviction,
}
