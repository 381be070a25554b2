namespace HmmEcs.Systems.Machine.Races;

/// <summary>
/// What the races of one <c>migrate</c> did (the result's <c>races.*</c>, docs/scenarios.md "Races"). Pages a racing
/// fault or pin found behind a migration entry waited for the call (<see cref="Waited"/>) and then saw the new page,
/// the restored original, or nothing ever (<see cref="Hung"/>: still behind a migration entry once the call is over).
/// </summary>
public sealed class RaceReport
{
    /// <summary>Pages of racing faults and pins that found a migration entry and waited.</summary>
    public long Waited;

    /// <summary>Waited pages that, after the call, mapped a different page than the one they waited on: the new page.</summary>
    public long SawNew;

    /// <summary>Waited pages that, after the call, mapped the page they waited on again: restored.</summary>
    public long SawRestored;

    /// <summary>Waited pages still behind a migration entry after the call: the racing operation never completes.</summary>
    public long Hung;

    /// <summary>Pages the racing pins took a reference on.</summary>
    public long Pinned;

    /// <summary>Racing <c>munmap</c> and <c>fork</c> operations, which wait for the mmap lock until the call returns.</summary>
    public long MmapWaits;

    /// <summary>Pages the racing migrates moved.</summary>
    public long Migrated;

    /// <summary>Pages the racing migrates gave up as <c>locked</c>: held by the call in flight (or another holder).</summary>
    public long Locked;

    /// <summary>Racing operations (or their parts) that ended in an error, changing nothing.</summary>
    public long Failed;

    /// <summary>A copy.</summary>
    public RaceReport Clone() => (RaceReport)MemberwiseClone();
}
