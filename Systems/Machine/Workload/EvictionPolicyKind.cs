namespace HmmEcs.Systems.Machine;

/// <summary>How a <c>workload</c> chooses the pages to move back to RAM when the device is full (<c>evict</c>).</summary>
public enum EvictionPolicyKind
{
    /// <summary>No eviction: a page the device has no room for is served where it is.</summary>
    None,
    /// <summary>Least recently migrated (NVIDIA UVM's default).</summary>
    LeastRecentlyMigrated,
    /// <summary>Least recently faulted (amdgpu's).</summary>
    LeastRecentlyFaulted,
    /// <summary>Least recently used, by device access.</summary>
    LeastRecentlyUsed,
    /// <summary>Least frequently used: fewest device accesses over the workload.</summary>
    LeastFrequentlyUsed,
    /// <summary>Uniformly random among the resident pages.</summary>
    Random,
    /// <summary>
    /// Tree-based neighbourhood pre-eviction (Ganguly et al., ISCA'19, TBNe): the least recently used page is the
    /// victim, with the rest of its 64 KiB leaf and the largest subtree of its 2 MiB block that is now less than half
    /// resident, the prefetcher's density tree run the other way.
    /// </summary>
    TreePreEviction,
}
