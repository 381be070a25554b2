namespace HmmEcs.Systems.Machine.Races;

/// <summary>
/// A point between two phases of the migration helper where a racing actor's operation runs (docs/scenarios.md
/// "Races"): right after the named phase, its failed pages already restored when the phase restores them itself.
/// </summary>
public enum RaceBoundary
{
    /// <summary>After collect: the range's own PTEs are migration entries, other mappings still live.</summary>
    AfterCollect,

    /// <summary>After lock and isolate: pages off the LRU, pin check passed, other mappings still live.</summary>
    AfterLock,

    /// <summary>After unmap: every mapping of a page in flight is a migration entry.</summary>
    AfterUnmap,

    /// <summary>After the driver's allocate-and-copy.</summary>
    AfterAllocAndCopy,

    /// <summary>After migrate struct page.</summary>
    AfterMigrateStructPage,

    /// <summary>After the driver's finalize-and-map; remove migration entries comes next.</summary>
    AfterFinalizeAndMap,
}

/// <summary>The boundaries' names in scenario files.</summary>
public static class RaceBoundaries
{
    /// <summary>The names, in <see cref="RaceBoundary"/> order (index = enum value): the kernel phase each follows.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["after-collect", "after-lock", "after-unmap", "after-alloc-and-copy", "after-migrate-struct-page", "after-finalize-and-map"];

    /// <summary>How many boundaries there are.</summary>
    public const int Count = 6;

    /// <summary>The scenario name of <paramref name="boundary"/>.</summary>
    public static string Name(RaceBoundary boundary) => Names[(int)boundary];
}
