namespace HmmEcs.Systems.Migration;

/// <summary>
/// What a phase's visitor adds up over its pages: kept per part when the phase runs on several cores (so no two
/// threads add to one counter) and applied to the call's state on the calling thread afterwards, in part order.
/// </summary>
internal struct PartTally
{
    /// <summary>True for a part of a phase on cores: a page that gives up clears its bit and is counted here, not in its chunk.</summary>
    public bool OnCores;

    /// <summary>Pages that gave up in this part (on cores only: serially they are counted as they fail).</summary>
    public int Failed;

    /// <summary>Pages moved (remove-migration-entries).</summary>
    public long Migrated;

    /// <summary>Notifier invalidations and TLB flushes of try_to_unmap (unmap).</summary>
    public long Invalidations, UnmapFlushes;

    /// <summary>Page ids whose handling needs state no part owns (old device pages for the driver's free callback), done after the parts.</summary>
    public List<int>? Deferred;

    /// <summary>Adds the counts to the call's state and starts the tally over (its deferred list kept, emptied by the caller).</summary>
    public void ApplyTo(MigrateState s)
    {
        s.PendingRestore += Failed;
        s.Migrated += Migrated;
        s.Costs.Invalidations += Invalidations;
        s.Costs.UnmapFlushes += UnmapFlushes;
        Failed = 0;
        Migrated = 0;
        Invalidations = 0;
        UnmapFlushes = 0;
    }
}
