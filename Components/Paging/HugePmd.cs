namespace HmmEcs.Components.Paging;

/// <summary>
/// A huge PMD mapping 512 pages of a compound page (one entity per mapping; collect or a COW
/// write fault splits it into PTEs and destroys it).
/// </summary>
public struct HugePmd
{
    /// <summary>The VMA (machine-wide id) it belongs to.</summary>
    public int Vma;
    /// <summary>512-page region of the VMA it maps.</summary>
    public int Region;
    /// <summary>Page id of the compound page's first subpage.</summary>
    public int Head;
    /// <summary>Write and soft-dirty bits.</summary>
    public PteBits Bits;
}
