using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Kernel;

internal sealed partial class MemoryManager
{
    /// <summary>
    /// The prepass of a faulting step (the front has checked the VMA's protection): immovable device pages,
    /// then the RAM frames the faults will need (new pages, swap-ins, device pages brought back, copies; a huge fault 512).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Errno PrepareFaults(VmaInfo vma, long first, long count, int every, bool write, bool ownPage = false)
    {
        long need = 0;
        var plannedRegion = -1L;
        for (var i = first; i < first + count; i += every)
        {
            if (!PreparePage(vma, i, write, ref need, ref plannedRegion, ownPage))
            {
                return Errno.EFAULT;
            }
        }
        return need > Memory.Ram.Frames.Free ? Errno.ENOMEM : Errno.None;
    }

    /// <summary>
    /// One page of <see cref="PrepareFaults"/>: adds the frames its fault may take; false for an immovable device page.
    /// <paramref name="ownPage"/>: the fault needs a page of its own (pin, lock, a device access), never the zero page.
    /// </summary>
    public bool PreparePage(VmaInfo vma, long i, bool write, ref long need, ref long plannedRegion, bool ownPage = false)
    {
        var region = PageGeometry.PmdOf(i);
        if (IsDeviceHuge(vma, i))
        {
            // A device-private folio comes back whole (or as base pages): 512 frames once per region.
            if (!Memory.Devices[Memory.DeviceOf(HugeRef(vma, region).Head)].Spec.Movable)
            {
                return false;
            }
            if (region != plannedRegion)
            {
                plannedRegion = region;
                need += PageGeometry.PmdPages;
            }
            // It comes back read-only where fork shared it, so a write then copies each page it touches (wp_page_copy).
            ref var entry = ref HugeRef(vma, region);
            if (write && (entry.Bits & PteBits.Write) == 0 && !vma.Shared && PageRef(entry.Head + PageGeometry.OffsetInPmd(i)).Mapcount > 1)
            {
                need++;
            }
            return true;
        }
        if (vma.HasHuge(i))
        {
            if (write && (HugeRef(vma, region).Bits & PteBits.Write) == 0 && !vma.Shared
                && PageRef(HugeRef(vma, region).Head + PageGeometry.OffsetInPmd(i)).Mapcount > 1)
            {
                need++;
            }
            return true;
        }
        ref var pte = ref PteRef(vma.FirstPte + i);
        switch (pte.Kind)
        {
            case PteKind.None:
                if (region == plannedRegion)
                {
                    break;
                }
                if (WantsHugeFault(vma, region))
                {
                    plannedRegion = region;
                    need += PageGeometry.PmdPages;
                }
                else if (vma.File is not null ? vma.File.Cache[i] < 0 : write || ownPage || !MapsZeroPage(vma))
                {
                    need++;
                }
                // A write to a private file mapping's hole copies the page-cache page it maps first.
                need += write && vma.Kind == VmaKind.FilePrivate ? 1 : 0;
                break;
            case PteKind.Zero:
                need += write || ownPage ? 1 : 0;
                break;
            case PteKind.Swap:
                need += SwapInFrames(pte.Target, write);
                break;
            case PteKind.DevicePrivate:
            {
                var d = Memory.DeviceOf(pte.Target);
                if (!Memory.Devices[d].Spec.Movable)
                {
                    return false;
                }
                need++;
                if (write && !pte.Writable && !vma.Shared && PageRef(pte.Target).Mapcount > 1)
                {
                    need++;
                }
                break;
            }
            case PteKind.Present:
                if (write && !pte.Writable && !vma.Shared && WriteCopies(pte.Target))
                {
                    need++;
                }
                break;
        }
        return true;
    }

    /// <summary>
    /// Faults page <paramref name="i"/> in (hole, swap, device page) and, for a write, resolves a
    /// write-protect fault; returns the page id now mapped there. The prepass made every step succeed.
    /// </summary>
    /// <remarks>
    /// A read fault may map the shared zero page and then returns -1; <paramref name="ownPage"/> (pin, lock, a device
    /// access) always ends with a page: a zero-page PTE is replaced by a new zero-filled page.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int FaultIn(VmaInfo vma, long i, bool write, ref FaultCounts faults, bool ownPage = false)
    {
        var region = (int)PageGeometry.PmdOf(i);
        if (IsDeviceHuge(vma, i))
        {
            // do_huge_pmd_device_private: the driver's fault handler brings the whole folio back; one fault.
            faults.Device++;
            var d = Memory.DeviceOf(HugeRef(vma, region).Head);
            if (!Drivers[d].FaultFolio(Pipeline, vma.Id, (long)region * PageGeometry.PmdPages))
            {
                throw new InvalidOperationException($"device fault on the folio at page {i} of '{vma.Name}' did not bring it back");
            }
            // The region now holds RAM pages: what is left is a write-protect fault at most.
            return FaultIn(vma, i, write, ref faults, ownPage);
        }
        if (vma.HasHuge(i))
        {
            ref var pmd = ref HugeRef(vma, region);
            if (!write || (pmd.Bits & PteBits.Write) != 0)
            {
                if (write)
                {
                    pmd.Bits |= PteBits.SoftDirty;
                }
                return pmd.Head + PageGeometry.OffsetInPmd(i);
            }
            // A write-protect fault on a huge PMD splits it first (the simulator never copies a whole compound page).
            SplitHuge(vma, region);
        }
        var g = vma.FirstPte + i;
        ref var pte = ref PteRef(g);
        switch (pte.Kind)
        {
            case PteKind.None:
                faults.New++;
                if (WantsHugeFault(vma, region))
                {
                    var head = NewCompoundPage();
                    if (head >= 0)
                    {
                        MapHuge(vma, region, head, (vma.WritableAt(i) ? PteBits.Write : 0) | PteBits.SoftDirty);
                        return head + PageGeometry.OffsetInPmd(i);
                    }
                }
                else if (!write && !ownPage && MapsZeroPage(vma))
                {
                    // do_anonymous_page on a read fault: the zero page, special and read-only (no frame taken).
                    pte = new Pte { Kind = PteKind.Zero, Target = -1, RmapNext = -1 };
                    return -1;
                }
                MapNewPage(vma, i, g);
                break;
            case PteKind.Zero when ownPage && !write:
                // Departs from the kernel, which pins (and mirrors) the zero page itself: a pin, lock or device access
                // here takes a page of its own, as a write-unshare would, so the per-page counts stay on real pages.
                faults.New++;
                pte = new Pte { Target = -1, RmapNext = -1 };
                MapNewPage(vma, i, g);
                break;
            case PteKind.Swap:
                faults.Swap++;
                if (SwapCache)
                {
                    SwapInCached(vma, g, write);
                }
                else
                {
                    SwapIn(vma, g, write);
                }
                break;
            case PteKind.DevicePrivate:
            {
                faults.Device++;
                var d = Memory.DeviceOf(pte.Target);
                if (!Drivers[d].Fault(Pipeline, vma.Id, i))
                {
                    throw new InvalidOperationException($"device fault on page {i} of '{vma.Name}' did not bring it back");
                }
                break;
            }
        }
        ref var now = ref PteRef(g);
        if (write)
        {
            if (!now.Writable)
            {
                faults.Cow++;
                WriteProtectFault(vma, g);
                now = ref PteRef(g);
            }
            now.Bits |= PteBits.SoftDirty;
        }
        return now.Target;
    }

    /// <summary>
    /// Whether a read fault on a hole of <paramref name="vma"/> maps the shared zero page: private anonymous VMAs on a
    /// machine with it. Departs from the kernel for hugetlb and pfnmap VMAs (the simulator's stand-ins fault real pages)
    /// and for THP regions, where a huge fault maps a compound page (the kernel would map the huge zero page).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MapsZeroPage(VmaInfo vma) => ZeroPage && vma.Kind == VmaKind.Anon;

    /// <summary>A fault in a THP region with no PTE at all, or any hugetlb fault, maps a huge page.</summary>
    private bool WantsHugeFault(VmaInfo vma, long region)
    {
        var hugeKind = vma.Kind == VmaKind.Hugetlb || (vma.Area.Thp && vma.Kind is VmaKind.Anon or VmaKind.Pfnmap);
        if (!hugeKind || (region + 1) * PageGeometry.PmdPages > vma.Pages)
        {
            return false;
        }
        // The region must lie in one kernel VMA: a partial munmap or mprotect inside it rules a huge page out.
        if ((vma.Huge is not null && !vma.Huge[region].IsNull) || !vma.RegionUniform(region))
        {
            return false;
        }
        var g0 = vma.FirstPte + region * PageGeometry.PmdPages;
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            if (PteRef(g0 + k).Kind != PteKind.None)
            {
                return false;
            }
        }
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MapNewPage(VmaInfo vma, long i, long g)
    {
        // The simulator gives a read fault a real zero page mapped as a write fault would (no zero-page COW).
        // A private file mapping maps the page-cache page read-only whatever the VMA allows (a write copies it).
        var bits = vma.WritableAt(i) && vma.Kind != VmaKind.FilePrivate ? PteBits.Write : PteBits.None;
        if (vma.File is { } file)
        {
            var id = file.Cache[i];
            if (id < 0)
            {
                id = NewRamPage(PageFlags.File);
                ref var page = ref PageRef(id);
                CacheSlots[id] = file.Base + (int)i;
                page.Refcount = 1;
                file.Cache[i] = id;
            }
            MapPte(g, id, PteKind.Present, bits);
            return;
        }
        MapPte(g, NewRamPage(PageFlags.Anon), PteKind.Present, bits | PteBits.SoftDirty);
    }

    private void SwapIn(VmaInfo vma, long g, bool write)
    {
        ref var pte = ref PteRef(g);
        var slotId = pte.Target;
        var keep = pte.Bits & PteBits.SoftDirty;
        ref var slot = ref Swap[slotId];
        var exclusive = slot.Count == 1;
        var id = NewRamPage(PageFlags.Anon);
        ref var content = ref ContentRef(id);
        content.Value = Memory.BytesPayload ? 0 : slot.Content;
        if (slot.Payload >= 0)
        {
            if (exclusive)
            {
                content.Payload = slot.Payload;
                slot.Payload = -1;
            }
            else
            {
                content.Payload = Memory.Payloads.Allocate();
                Memory.Payloads.Bytes(slot.Payload).CopyTo(Memory.Payloads.Bytes(content.Payload));
            }
        }
        PutSwap(slotId);
        pte = new Pte { Target = -1, RmapNext = -1 };
        // No swap cache: the page is this process's alone. As 2016's do_swap_page, it maps writable only on a write
        // fault when no one else held the slot (reuse_swap_page); a read fault maps it read-only (mainline maps an
        // exclusive page writable on a read fault too).
        MapPte(g, id, PteKind.Present, (vma.WritableAt(g - vma.FirstPte) && exclusive && write ? PteBits.Write : 0) | keep);
    }

    /// <summary>
    /// Whether a write-protect fault on a private mapping of page <paramref name="id"/> copies it rather than reusing it:
    /// another process maps it, it is a page-cache page (a private mapping never writes one: do_cow_fault / wp_page_copy),
    /// a swap sharer holds it, or the migration helper holds its lock (mainline's wp_can_reuse_anon_folio trylocks it and
    /// counts the helper's reference; 2016's do_wp_page would sleep in lock_page instead: departure, docs/model.md "Races").
    /// </summary>
    private bool WriteCopies(int id)
    {
        var chunk = Memory.Locate(id, out var row);
        ref readonly var page = ref chunk.GetSpan<Page>()[row];
        if (page.Mapcount > 1 && (!EntriesOutliveLocks || MappedMoreThan(id, 1)))
        {
            return true;
        }
        return (page.Flags & PageFlags.File) != 0 || ((page.Flags & PageFlags.SwapCache) != 0 && SwapShared(id)) || HelperHolds(id);
    }

    /// <summary>Whether the migration helper holds page <paramref name="id"/> locked: the Locked bit without another holder's flag.</summary>
    private bool HelperHolds(int id)
    {
        var chunk = Memory.Locate(id, out var row);
        return chunk.IsEnabled<Locked>(row) && (chunk.GetSpan<Page>()[row].Flags & PageFlags.LockedByOther) == 0;
    }

    /// <summary>
    /// A migration entry may name a page the helper no longer holds locked (<c>v13-as-posted</c>: the unlock loop's
    /// <c>unlock-stride-page-shift</c>). Elsewhere every entry's page is locked until the entry goes, so a write fault on a
    /// page that is not locked never meets one in its mapcount and need not walk the reverse map for them.
    /// </summary>
    public bool EntriesOutliveLocks { get; init; }

    /// <summary>
    /// The kernel's mapcount above <paramref name="n"/>: this engine keeps a migration entry in its page's reverse map and
    /// mapcount, where the kernel removed the rmap when it installed the entry, so entries do not count.
    /// </summary>
    private bool MappedMoreThan(int id, int n)
    {
        var live = PageRef(id).Mapcount;
        for (var g = PageRef(id).RmapHead; live > n && g >= 0; g = PteRef(g).RmapNext)
        {
            live -= PteRef(g).Kind == PteKind.Migration ? 1 : 0;
        }
        return live > n;
    }

    /// <summary>Write to a present read-only PTE of a writable VMA: copy a shared private page, else reuse it.</summary>
    private void WriteProtectFault(VmaInfo vma, long g)
    {
        ref var pte = ref PteRef(g);
        if (pte.Kind == PteKind.Zero)
        {
            // do_wp_page on the zero page (vm_normal_page has none): wp_page_copy maps a new zero-filled page writable.
            pte = new Pte { Target = -1, RmapNext = -1 };
            MapPte(g, NewRamPage(PageFlags.Anon), PteKind.Present, PteBits.Write | PteBits.SoftDirty);
            return;
        }
        var old = pte.Target;
        if (vma.Shared || !WriteCopies(old))
        {
            if ((PageRef(old).Flags & PageFlags.SwapCache) != 0)
            {
                // reuse_swap_page: the page is dirtied, so its cached copy on swap is stale and the slot goes.
                DeleteFromSwapCache(old);
            }
            pte.Bits |= PteBits.Write;
            return;
        }
        var bits = pte.Bits | PteBits.Write;
        var id = NewRamPage(PageFlags.Anon);
        Memory.CopyContent(ContentRef(old), ref ContentRef(id));
        ClearPte(g);
        MapPte(g, id, PteKind.Present, bits);
    }
}
