using HmmEcs.Components.Memory;
using HmmEcs.Components.Paging;
using HmmEcs.Systems.Kernel;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Mainline's <c>split_folio</c> of a PTE-mapped large folio met at collect: the 512-page compound page (a RAM THP or,
/// since 6.19, a device-private folio) becomes 512 ordinary pages. It fails, leaving the folio whole, when a subpage is pinned (the folio has references beyond its
/// mappings) or locked by another holder (the folio's trylock fails): the simulator pins and locks subpages, the
/// kernel the folio.
/// </summary>
internal static class FolioSplit
{
    /// <summary>
    /// Splits the compound RAM page that page <paramref name="id"/> belongs to; false when it cannot. Every huge PMD
    /// that still maps it (other processes after fork, at the same PMD <paramref name="region"/> of their VMA) is split
    /// into PTEs first, as split_folio unmaps and remaps the whole folio.
    /// </summary>
    public static bool TrySplit(MemoryManager mm, int id, long region)
    {
        var head = mm.FolioHead(id);
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            ref var page = ref mm.PageRef(head + k);
            if ((page.Flags & PageFlags.Compound) != 0 && (page.Pins > 0 || (page.Flags & PageFlags.LockedByOther) != 0))
            {
                return false;
            }
        }
        foreach (var proc in mm.Processes)
        {
            foreach (var vma in proc.Vmas)
            {
                if (vma.Huge is { } huge && region < huge.Length && !huge[region].IsNull && mm.HugeRef(vma, region).Head == head)
                {
                    mm.SplitHuge(vma, (int)region);
                }
            }
        }
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            mm.PageRef(head + k).Flags &= ~PageFlags.Compound;
        }
        return true;
    }
}
