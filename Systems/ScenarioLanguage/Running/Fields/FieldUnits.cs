namespace HmmEcs.Systems.ScenarioLanguage.Running.Fields;

/// <summary>The units result fields are counted in, as axis titles print them.</summary>
public static class FieldUnits
{
    /// <summary>No unit: an index, a name, a flag.</summary>
    public const string None = "";

    /// <summary>4 KiB pages.</summary>
    public const string Pages = "pages";

    /// <summary>Bytes.</summary>
    public const string Bytes = "bytes";

    /// <summary>Copy-engine commands.</summary>
    public const string Commands = "commands";

    /// <summary>PMD spans (512 pages) in which a TLB flush was counted.</summary>
    public const string PmdSpans = "PMD spans";

    /// <summary>TLB flushes (one per PTE or per range flushed).</summary>
    public const string Flushes = "flushes";

    /// <summary>MMU-notifier invalidations.</summary>
    public const string Invalidations = "invalidations";

    /// <summary>Calls of a kernel function.</summary>
    public const string Calls = "calls";

    /// <summary>Page-table walks.</summary>
    public const string Walks = "walks";

    /// <summary>Mirror entries, one per page.</summary>
    public const string Entries = "entries";

    /// <summary>Device accesses of a workload.</summary>
    public const string Accesses = "accesses";

    /// <summary>Fault batches of a workload.</summary>
    public const string Batches = "batches";

    /// <summary>Broken invariants.</summary>
    public const string Violations = "violations";

    /// <summary>Microseconds (the copy-engine model's clock).</summary>
    public const string Microseconds = "µs";

    /// <summary>Milliseconds (the wall clock).</summary>
    public const string Milliseconds = "ms";
}
