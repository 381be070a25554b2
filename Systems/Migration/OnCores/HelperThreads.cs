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

    /// <summary>
    /// Pages from which a call's work is shared: collect and the driver's alloc-and-copy look at the request's slots, the
    /// visiting phases at the pages in flight (and only past <see cref="MigrateState.SmallRequest"/>: smaller requests visit
    /// their slots directly).
    /// </summary>
    public int FromPages { get; set; } = DefaultFromPages;

    /// <summary>True when a walk over <paramref name="s"/>'s slots is shared: more than one thread, a request of at least <see cref="FromPages"/> slots, content in tokens.</summary>
    public bool ShareSlots(MigrateState s) => Workers > 1 && s.Count >= FromPages && !s.Mm.Memory.BytesPayload;

    /// <summary>Chunk rows of a part, a multiple of 64 (a part owns whole mask words).</summary>
    public int PartRows { get; set; } = DefaultPartRows;
}
