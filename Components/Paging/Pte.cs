namespace HmmEcs.Components.Paging;

/// <summary>
/// One page-table entry of one process (a PTE entity). A VMA's PTEs are created together, so they
/// sit in address order in their chunks; the reverse map chains the PTEs that map one page.
/// </summary>
public struct Pte
{
    /// <summary>Page id (present, migration, device-private) or swap slot (swap).</summary>
    public int Target;
    /// <summary>Next PTE (global number) in the reverse-map chain of the page, -1 at the end.</summary>
    public int RmapNext;
    /// <summary>Entry kind.</summary>
    public PteKind Kind;
    /// <summary>Write and soft-dirty bits.</summary>
    public PteBits Bits;

    /// <summary>True when the entry allows writes.</summary>
    public readonly bool Writable => (Bits & PteBits.Write) != 0;
}
