namespace HmmEcs.Systems.Migration.AsPosted;

/// <summary>What a PTE of the calling VMA holds, as the posted helper reads it.</summary>
internal enum PostedPteKind : byte
{
    None,
    Present,
    /// <summary>A device-private (unaddressable) entry.</summary>
    Device,
    /// <summary>A swap entry that is not a device entry.</summary>
    Swap,
    Migration,
}

/// <summary>One PTE of the calling VMA: its kind, the page it names (-1 for none and swap) and its write bit.</summary>
internal readonly record struct PostedPte(PostedPteKind Kind, int Page, bool Write);

/// <summary>
/// A page as the posted helper's tests see it. <paramref name="Zero"/>: the shared zero page, whose
/// <paramref name="Refcount"/> and <paramref name="Mapcount"/> the helper reads literally (pin check, refcount 0).
/// </summary>
internal readonly record struct PostedPage(
    int Device, bool Unaddressable, bool Movable, bool Compound, bool Cached, int Pins, bool OnLru, bool LockedByOther, bool HelperLocked,
    bool Zero = false, int Refcount = 0, int Mapcount = 0);

/// <summary>
/// The shared zero page as the posted helper handles it: the seed's collect resolves a present PTE with <c>pfn_to_page</c>,
/// so a zero-page PTE yields a struct page like any other (docs/v13-as-posted.md §6). Its handle is this value in both
/// engines; its state (base refcount 1, mapcount 0, lock, LRU) is kept by each engine beside its pages.
/// </summary>
internal static class PostedZeroPage
{
    /// <summary>The zero page's page handle (no real page has it).</summary>
    public const int Handle = int.MaxValue;
}

/// <summary>
/// The kernel primitives <see cref="PostedHelper"/> runs on, one implementation per engine. Each keeps its
/// engine's own count conventions (the ECS engine keeps migration entries in the reverse map, the reference engine
/// does not); the helper decides only from <see cref="PostedPage"/> facts, so both engines take the same branches.
/// Pages are engine handles (an ECS page id, a reference engine page number).
/// </summary>
internal interface IPostedKernel
{
    /// <summary>The calling VMA's size in pages.</summary>
    long VmaPages { get; }

    /// <summary>The VMA allows writes (VM_WRITE).</summary>
    bool VmaWritable { get; }

    /// <summary>Splits every huge PMD over PMD spans <paramref name="firstSpan"/>..<paramref name="lastSpan"/> into PTEs.</summary>
    void SplitHugePmds(long firstSpan, long lastSpan);

    /// <summary>PMD span <paramref name="span"/> of the VMA has a page table (docs/model.md, "v13-as-posted").</summary>
    bool PmdTableExists(long span);

    /// <summary>The PTE of VMA page <paramref name="i"/>.</summary>
    PostedPte ReadPte(long i);

    /// <summary>Clears PTE <paramref name="i"/> without touching the counts of the page it mapped (the take-and-clear nobody undoes).</summary>
    void DropPte(long i);

    /// <summary>Collect's conversion: PTE <paramref name="i"/> becomes a migration entry (its rmap and mapping reference go).</summary>
    void ToMigrationEntry(long i);

    /// <summary>
    /// Restore's rebuild: PTE <paramref name="i"/>, a migration entry, maps <paramref name="page"/> (present, or a device-private
    /// entry for unaddressable memory) with <paramref name="write"/>; the page gains a mapping and a reference.
    /// </summary>
    void MapOverMigrationEntry(long i, int page, bool write);

    /// <summary>The page's facts.</summary>
    PostedPage Page(int page);

    /// <summary>Takes one reference.</summary>
    void Get(int page);

    /// <summary>
    /// Drops one reference and frees nothing: in this profile the defects can drive a count to 0 while a PTE or a
    /// migration entry still names the page (the kernel's use-after-free), which the simulator leaves out.
    /// </summary>
    void Put(int page);

    /// <summary>Frees the page when no reference is left (a migrated source after the final pass).</summary>
    void FreeIfUnreferenced(int page);

    /// <summary>Sets or clears the helper's lock.</summary>
    void SetHelperLock(int page, bool locked);

    /// <summary>Puts the page on the LRU or takes it off.</summary>
    void SetLru(int page, bool on);

    /// <summary>try_to_unmap(TTU_MIGRATION): every other mapping of the page, in every process, becomes a migration entry.</summary>
    void TryToUnmap(int page);

    /// <summary>
    /// remove_migration_ptes(<paramref name="page"/>, <paramref name="newPage"/>): every migration entry of the page, in every
    /// process, maps <paramref name="newPage"/> (write bit from the entry); <paramref name="newPage"/> gains the mappings.
    /// </summary>
    void RemoveMigrationPtes(int page, int newPage);

    /// <summary>
    /// The driver's alloc_and_copy over the slots whose <paramref name="migrating"/> flag is set: true per slot that got
    /// a destination (locked, one reference), written to <paramref name="dst"/>, the content copied; false where it had none.
    /// </summary>
    Machine.CopyStats AllocAndCopy(ReadOnlySpan<bool> migrating, ReadOnlySpan<int> src, Span<int> dst);

    /// <summary>migrate_page: the destination takes over the source's struct page state (anon or file, page-cache slot).</summary>
    void MigratePage(int src, int dst);

    /// <summary>Gives the destination the source's reverse map where migrate_page did not run (docs/model.md, "v13-as-posted").</summary>
    void AdoptRmap(int src, int dst);
}
