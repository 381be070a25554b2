using HmmEcs.Components.Memory;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Kernel;

internal sealed partial class MemoryManager
{
    /// <summary>
    /// fork: the child gets every VMA with its own PTE run. Private present and device-private entries
    /// are shared read-only in both, swap entries share their slot, shared mappings copy as they are,
    /// huge PMDs copy as huge PMDs.
    /// </summary>
    public void Fork(AddressSpace parent, AddressSpace child)
    {
        foreach (var pv in parent.Vmas.ToArray())
        {
            var cv = NewVma(child, pv.Name, pv.Pages, pv.Kind, pv.Area.Writable, pv.Area.Thp, pv.File);
            if (pv.PrivateShadow is not null)
            {
                cv.PrivateShadow = pv.PrivateShadow.Clone();
            }
            var shared = pv.Shared;
            for (long i = 0; i < pv.Pages; i++)
            {
                ref var src = ref PteRef(pv.FirstPte + i);
                var g = cv.FirstPte + i;
                switch (src.Kind)
                {
                    case PteKind.Present:
                    case PteKind.DevicePrivate:
                        if (!shared)
                        {
                            src.Bits &= ~PteBits.Write;
                        }
                        var bits = src.Bits;
                        var target = src.Target;
                        var kind = src.Kind;
                        MapPte(g, target, kind, bits);
                        break;
                    case PteKind.Swap:
                        if (!shared)
                        {
                            src.Bits &= ~PteBits.Write;
                        }
                        Swap[src.Target].Count++;
                        PteRef(g) = new Pte { Kind = PteKind.Swap, Bits = src.Bits, Target = src.Target, RmapNext = -1 };
                        break;
                    case PteKind.Zero:
                        // copy_present_pte: a special zero-page PTE is copied as it is (read-only, no reference).
                        PteRef(g) = src;
                        break;
                }
            }
            if (pv.Huge is not null)
            {
                for (var r = 0; r < pv.Huge.Length; r++)
                {
                    if (pv.Huge[r].IsNull)
                    {
                        continue;
                    }
                    ref var pmd = ref HugeRef(pv, r);
                    if (!shared)
                    {
                        pmd.Bits &= ~PteBits.Write;
                    }
                    var copy = pmd;
                    MapHuge(cv, r, copy.Head, copy.Bits);
                }
            }
        }
    }

    /// <summary>swapout: present private anon RAM pages mapped once, not pinned, not locked, not compound.</summary>
    public long SwapOut(VmaInfo vma, long first, long count, int every)
    {
        if (vma.Kind != VmaKind.Anon)
        {
            return 0;
        }
        long swapped = 0;
        for (var i = first; i < first + count; i += every)
        {
            if (vma.HasHuge(i))
            {
                continue;
            }
            var g = vma.FirstPte + i;
            ref var pte = ref PteRef(g);
            if (pte.Kind != PteKind.Present || pte.Target >= Memory.RamPages)
            {
                continue;
            }
            var id = pte.Target;
            var chunk = Memory.Locate(id, out var row);
            ref var page = ref chunk.GetSpan<Page>()[row];
            if (page.Mapcount != 1 || page.Pins > 0 || chunk.IsEnabled<Locked>(row) || page.Is(PageFlags.Compound) || page.Is(PageFlags.File))
            {
                continue;
            }
            var bits = pte.Bits;
            if (page.Is(PageFlags.SwapCache))
            {
                // A clean swap-cache page reuses its slot without a write; reclaim then drops it from the cache.
                var cachedSlot = SwapCacheSlots[id];
                Swap[cachedSlot].Count++;
                ClearPte(g);
                DeleteFromSwapCache(id);
                PteRef(g) = new Pte { Kind = PteKind.Swap, Bits = bits, Target = cachedSlot, RmapNext = -1 };
                swapped++;
                continue;
            }
            ref var content = ref chunk.GetSpan<PageContent>()[row];
            var slot = Memory.BytesPayload ? Swap.Add(0, content.Payload) : Swap.Add(content.Value, -1);
            content.Value = 0;
            ClearPte(g);
            PteRef(g) = new Pte { Kind = PteKind.Swap, Bits = bits, Target = slot, RmapNext = -1 };
            swapped++;
        }
        return swapped;
    }

    /// <summary>
    /// mprotect: <c>r</c> clears the write bit of every entry and huge PMD; <c>rw</c> makes the VMA writable, and a shared
    /// anonymous VMA's present PTEs too (file and private ones stay read-only until a write fault).
    /// </summary>
    public void Mprotect(VmaInfo vma, bool writable)
    {
        vma.Area.Writable = writable;
        SyncVma(vma);
        if (writable)
        {
            if (vma.Kind == VmaKind.SharedAnon)
            {
                // shmem has no dirty accounting (no write-notify): change_protection gives every present PTE the VMA's
                // new protection, writable. A file VMA's PTEs stay read-only (write-notify); private ones too (COW).
                for (long i = 0; i < vma.Pages; i++)
                {
                    ref var pte = ref PteRef(vma.FirstPte + i);
                    if (pte.Kind == PteKind.Present)
                    {
                        pte.Bits |= PteBits.Write;
                    }
                }
            }
            return;
        }
        for (long i = 0; i < vma.Pages; i++)
        {
            PteRef(vma.FirstPte + i).Bits &= ~PteBits.Write;
        }
        if (vma.Huge is not null)
        {
            for (var r = 0; r < vma.Huge.Length; r++)
            {
                if (!vma.Huge[r].IsNull)
                {
                    HugeRef(vma, r).Bits &= ~PteBits.Write;
                }
            }
        }
    }

    /// <summary>munmap: every entry drops its reference (pages free at 0, device pages through the free callback); a file's cache goes with its last VMA.</summary>
    public void Munmap(AddressSpace proc, VmaInfo vma)
    {
        if (vma.Huge is not null)
        {
            for (var r = 0; r < vma.Huge.Length; r++)
            {
                if (!vma.Huge[r].IsNull)
                {
                    UnmapHuge(vma, r);
                }
            }
        }
        for (long i = 0; i < vma.Pages; i++)
        {
            ClearPte(vma.FirstPte + i);
        }
        if (vma.File is { } file && --file.Mappers == 0)
        {
            for (var i = 0; i < file.Cache.Length; i++)
            {
                var id = file.Cache[i];
                if (id >= 0)
                {
                    file.Cache[i] = -1;
                    ref var page = ref PageRef(id);
                    page.Flags &= ~PageFlags.File;
                    CacheSlots.Remove(id);
                    PutPage(id);
                }
            }
        }
        ReleasePtes(vma.FirstPte, vma.Pages);
        vma.Alive = false;
        proc.Vmas.Remove(vma);
        World.Destroy(vma.Entity);
    }

    /// <summary>What page <paramref name="i"/> of a VMA holds, read without faulting.</summary>
    public PageView Read(VmaInfo vma, long i)
    {
        if (vma.HasHuge(i))
        {
            ref var pmd = ref HugeRef(vma, PageGeometry.PmdOf(i));
            var id = pmd.Head + PageGeometry.OffsetInPmd(i);
            var device = Memory.DeviceOf(id);
            return new PageView(device < 0 ? Residence.Ram : Residence.Device, device, Memory.ContentOf(ContentRef(id)), (pmd.Bits & PteBits.Write) != 0);
        }
        ref var pte = ref PteRef(vma.FirstPte + i);
        switch (pte.Kind)
        {
            case PteKind.Present:
            case PteKind.DevicePrivate:
            case PteKind.Migration:
            {
                var d = Memory.DeviceOf(pte.Target);
                var content = Memory.ContentOf(ContentRef(pte.Target));
                return new PageView(d < 0 ? Residence.Ram : Residence.Device, d, content, pte.Writable);
            }
            case PteKind.Swap:
            {
                ref var slot = ref Swap[pte.Target];
                var content = Memory.BytesPayload
                    ? Memory.ContentOf(new PageContent { Payload = slot.Payload })
                    : slot.Content;
                return new PageView(Residence.Swap, -1, content, false);
            }
            case PteKind.Zero:
                return new PageView(Residence.Zero, -1, 0, false);
            default:
            {
                var content = 0UL;
                if (vma.File is { } file && file.Cache[i] >= 0)
                {
                    content = Memory.ContentOf(ContentRef(file.Cache[i]));
                }
                return new PageView(Residence.Hole, -1, content, false);
            }
        }
    }
}
