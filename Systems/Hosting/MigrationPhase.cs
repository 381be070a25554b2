namespace HmmEcs.Systems.Hosting;

/// <summary>The phases of the ECS migration pipeline (<c>hmm_vma_migrate</c>), in run order: the points a host system can be inserted at.</summary>
public enum MigrationPhase
{
    /// <summary>Walks the range, picks the pages that can migrate and replaces their PTEs with migration entries.</summary>
    Collect,
    /// <summary>Locks the collected pages and isolates them from the LRU.</summary>
    LockAndIsolate,
    /// <summary>Unmaps the pages from every other process (the reverse map).</summary>
    Unmap,
    /// <summary>The driver allocates destination pages and copies (the copy engine).</summary>
    AllocAndCopy,
    /// <summary>Moves the <c>struct page</c> state (mapping, index, flags) to the destination.</summary>
    MigrateStructPage,
    /// <summary>The driver's finalize callback; destinations are mapped.</summary>
    FinalizeAndMap,
    /// <summary>Migration entries become PTEs of the new (or, on failure, the old) page.</summary>
    RemoveMigrationEntries,
}

/// <summary>Where an inserted system runs relative to its <see cref="MigrationPhase"/>.</summary>
public enum Position
{
    /// <summary>Right before the phase.</summary>
    Before,
    /// <summary>Right after the phase (before the next one).</summary>
    After,
}
