namespace HmmEcs.Systems.Migration;

/// <summary>
/// How the migration helper's phases share a large request's pages over the machine's cores
/// (<see cref="MigratingPagesOnCores{TVisitor}"/>). One per machine; the outcome of a call is the same for every setting.
/// </summary>
internal sealed class HelperThreads
{
    /// <summary>Pages in flight from which a phase runs on several cores: below it, starting a helper costs more than it saves.</summary>
    public const int DefaultFromPages = 1 << 16;

    /// <summary>Rows of a part: small enough for two threads to share the work evenly, large enough that a part's setup is noise.</summary>
    public const int DefaultPartRows = 1 << 14;

    /// <summary>Threads a phase may use (the calling one included); 1 keeps every phase on the calling thread.</summary>
    public int Workers { get; set; } = Environment.ProcessorCount;

    /// <summary>Pages in flight from which a phase runs on several cores (more than <see cref="MigrateState.SmallRequest"/>: smaller requests visit their slots).</summary>
    public int FromPages { get; set; } = DefaultFromPages;

    /// <summary>Chunk rows of a part, a multiple of 64 (a part owns whole mask words).</summary>
    public int PartRows { get; set; } = DefaultPartRows;
}
