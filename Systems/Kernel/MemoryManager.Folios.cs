using HmmEcs.Components.Memory;
using HmmEcs.Components.Paging;

namespace HmmEcs.Systems.Kernel;

/// <summary>
/// PMD-sized folios beyond RAM's THPs (mainline 6.19, KERNEL.md §1.14): a device-private folio is mapped by a huge
/// PMD whose head is an unaddressable device page (the kernel's PMD-level device-private entry), a coherent one by a
/// present huge PMD; the helper folds a unit that moved whole back into one PMD.
/// </summary>
internal sealed partial class MemoryManager
{
    /// <summary>The first page of the 512-page folio holding page <paramref name="id"/>: RAM frames and each device's pages are aligned in their own numbering.</summary>
    public int FolioHead(int id)
    {
        var d = Memory.DeviceOf(id);
        var first = d < 0 ? 0 : Memory.Devices[d].FirstId;
        return id - (int)((id - first) % PageGeometry.PmdPages);
    }

    /// <summary>Whether page <paramref name="id"/> is device-private (unaddressable device memory).</summary>
    public bool IsDevicePrivate(int id) => id >= Memory.RamPages && !Memory.Devices[Memory.DeviceOf(id)].Spec.Addressable;

    /// <summary>Whether page <paramref name="i"/> of <paramref name="vma"/> is mapped by a PMD-level device-private entry.</summary>
    public bool IsDeviceHuge(VmaInfo vma, long i) => vma.HasHuge(i) && IsDevicePrivate(HugeRef(vma, PageGeometry.PmdOf(i)).Head);

    /// <summary>
    /// Folds the 512 PTEs of region <paramref name="region"/>, which map the consecutive pages of one new folio, into
    /// one huge PMD (a device-private PMD entry when the folio is device-private): the pages become the folio's
    /// subpages; mapcounts and references stay, as a huge PMD counts one per subpage.
    /// </summary>
    public void CollapseHuge(VmaInfo vma, int region)
    {
        var g0 = vma.FirstPte + (long)region * PageGeometry.PmdPages;
        var head = PteRef(g0).Target;
        var bits = PteRef(g0).Bits;
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            var g = g0 + k;
            var id = PteRef(g).Target;
            RmapRemove(id, g);
            PteRef(g) = new Pte { Target = -1, RmapNext = -1 };
            PageRef(id).Flags |= PageFlags.Compound;
        }
        vma.Huge ??= NewHugeTable(vma.Pages);
        vma.Huge[region] = World.Create(new HugePmd { Vma = vma.Id, Region = region, Head = head, Bits = bits });
    }
}
