namespace HmmEcs.Systems.Machine.Races;

/// <summary>What an engine's helper calls at each boundary of a call that has races (the machine's front runs them).</summary>
public interface IRaceBoundaryHook
{
    /// <summary>The call in flight has just finished the phase <paramref name="boundary"/> names.</summary>
    void At(RaceBoundary boundary);
}

/// <summary>What a racing fault or pin finds at a page while a call is in flight.</summary>
public enum RaceEntry
{
    /// <summary>No page: a hole or a swap entry.</summary>
    None,

    /// <summary>A present PTE, a device-private entry or a huge PMD: the frame is the page mapped.</summary>
    Mapped,

    /// <summary>A migration entry: the frame is the page it stands for.</summary>
    MigrationEntry,

    /// <summary>
    /// A fault that needs the lock of a locked page: a device-private entry (the fault's migrate-to-RAM cannot lock it;
    /// mainline's <c>do_swap_page</c> trylocks, then waits and retries) or a hole of a file or shmem VMA whose page-cache
    /// page is locked (<c>filemap_fault</c> locks it). It waits as on a migration entry.
    /// </summary>
    LockedPage,
}
