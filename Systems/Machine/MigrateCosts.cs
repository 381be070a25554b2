namespace HmmEcs.Systems.Machine;

/// <summary>
/// What one migrate call cost the kernel beyond the copies (docs/scenarios.md <c>costs.*</c>), counted as the seed
/// (HMM v13, 2016) would do its work. The TLB flushes of collect stay in <see cref="MigrateResult.TlbFlushes"/>.
/// </summary>
public struct MigrateCosts
{
    /// <summary>TLB flushes of <c>try_to_unmap</c>: one per present PTE of another mapping (after fork) it converted (<c>ptep_clear_flush</c>).</summary>
    public long UnmapFlushes;

    /// <summary>
    /// MMU-notifier invalidations each mirror of the process receives: the range around collect, plus one per
    /// mapping <c>try_to_unmap</c> converted (<c>mmu_notifier_invalidate_page</c>). v13 has no owner filter: every
    /// mirror gets every one.
    /// </summary>
    public long Invalidations;

    /// <summary>
    /// <c>lru_add_drain_all</c> calls: v13 drains every CPU once when a page to isolate is not on an LRU list. The
    /// simulator has no per-CPU LRU caches (a mapped RAM page is always on its LRU), so it stays 0.
    /// </summary>
    public long LruDrainAll;

    /// <summary>
    /// Page-table walks of the call: collect's, one per restore pass of lock-and-isolate and of unmap that had pages
    /// to restore, and, when the driver was called, migrate-struct-page's and remove-migration-entries'.
    /// </summary>
    public long Walks;

    /// <summary>The sum of two calls' costs (a budgeted migration's slices).</summary>
    public readonly MigrateCosts Plus(in MigrateCosts other) => new()
    {
        UnmapFlushes = UnmapFlushes + other.UnmapFlushes,
        Invalidations = Invalidations + other.Invalidations,
        LruDrainAll = LruDrainAll + other.LruDrainAll,
        Walks = Walks + other.Walks,
    };
}
