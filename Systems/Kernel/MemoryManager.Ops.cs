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
            var cv = NewVma(child, pv.Name, pv.Pages, pv.Kind, pv.UniformProt, pv.Area.Thp, pv.File);
            cv.CopyProt(pv);
            SyncVma(cv);
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
        if (vma.Kind is not (VmaKind.Anon or VmaKind.FilePrivate))
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
    /// mprotect of <c>[first, first + count)</c>: below <c>rw</c> every entry and huge PMD loses its write bit; toward
    /// <c>rw</c> a shared anonymous VMA's present PTEs become writable (file and private ones stay read-only until a
    /// write fault). A huge PMD the range covers in part is split first, as the kernel splits the VMA.
    /// </summary>
    public void Mprotect(VmaInfo vma, long first, long count, PageProt prot)
    {
        SplitHugeAtEdges(vma, first, count);
        vma.SetProt(first, count, prot);
        SyncVma(vma);
        if (prot == PageProt.ReadWrite)
        {
            if (vma.Kind == VmaKind.SharedAnon)
            {
                // shmem has no dirty accounting (no write-notify): change_protection gives every present PTE the VMA's
                // new protection, writable. A file VMA's PTEs stay read-only (write-notify); private ones too (COW).
                for (var i = first; i < first + count; i++)
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
        for (var i = first; i < first + count; i++)
        {
            PteRef(vma.FirstPte + i).Bits &= ~PteBits.Write;
        }
        if (vma.Huge is not null)
        {
            for (var r = PageGeometry.PmdOf(first); r <= PageGeometry.PmdOf(first + count - 1); r++)
            {
                if (!vma.Huge[r].IsNull)
                {
                    HugeRef(vma, r).Bits &= ~PteBits.Write;
                }
            }
        }
    }

    /// <summary>
    /// A partial munmap: the range's entries drop their references as a whole munmap's do (a huge PMD it covers whole
    /// is zapped, one it covers in part split first) and its pages leave the VMA. The file's cache stays.
    /// </summary>
    public void MunmapRange(VmaInfo vma, long first, long count)
    {
        SplitHugeAtEdges(vma, first, count);
        if (vma.Huge is not null)
        {
            for (var r = PageGeometry.PmdOf(first); r <= PageGeometry.PmdOf(first + count - 1); r++)
            {
                if (!vma.Huge[r].IsNull)
                {
                    UnmapHuge(vma, (int)r);
                }
            }
        }
        for (var i = first; i < first + count; i++)
        {
            ClearPte(vma.FirstPte + i);
        }
        vma.PrivateShadow?.Clear(first, count);
        vma.SetProt(first, count, PageProt.Unmapped);
        SyncVma(vma);
    }

    /// <summary>
    /// mremap: a new VMA <paramref name="name"/> of <paramref name="pages"/> pages takes the range's entries at its page 0 as
    /// they are (move_ptes: present, swap and device-private entries alike; each page's reverse map follows its PTE);
    /// what a shorter new VMA leaves is unmapped; the range leaves its VMA unless <paramref name="dontUnmap"/>.
    /// </summary>
    public VmaInfo Mremap(AddressSpace proc, VmaInfo src, long first, long count, string name, long pages, bool dontUnmap)
    {
        // Departure: move_pgt_entry moves a huge PMD whole when both addresses are 2 MiB-aligned; here every huge PMD of
        // the range is split first (the page stays compound, PTE-mapped at its new address).
        if (src.Huge is not null)
        {
            for (var r = PageGeometry.PmdOf(first); r <= PageGeometry.PmdOf(first + count - 1); r++)
            {
                if (!src.Huge[r].IsNull)
                {
                    SplitHuge(src, (int)r);
                }
            }
        }
        var dst = NewVma(proc, name, pages, src.Kind, src.ProtAt(first), src.Area.Thp, null);
        var moved = Math.Min(count, pages);
        for (long k = 0; k < moved; k++)
        {
            MovePte(src.FirstPte + first + k, dst.FirstPte + k);
        }
        dst.PrivateShadow = src.PrivateShadow!.Moved(first, moved);
        for (var i = first + moved; i < first + count; i++)
        {
            ClearPte(src.FirstPte + i);
        }
        src.PrivateShadow.Clear(first, count);
        if (!dontUnmap)
        {
            src.SetProt(first, count, PageProt.Unmapped);
            SyncVma(src);
        }
        return dst;
    }

    /// <summary>Moves the entry of PTE <paramref name="from"/> to the hole <paramref name="to"/>, relinking the page's reverse map.</summary>
    private void MovePte(long from, long to)
    {
        var pte = PteRef(from);
        PteRef(to) = pte;
        PteRef(from) = new Pte { Target = -1, RmapNext = -1 };
        if (pte.Kind is not (PteKind.Present or PteKind.DevicePrivate or PteKind.Migration))
        {
            return;
        }
        ref var page = ref PageRef(pte.Target);
        if (page.RmapHead == from)
        {
            page.RmapHead = (int)to;
            return;
        }
        for (long g = page.RmapHead; g >= 0; g = PteRef(g).RmapNext)
        {
            ref var p = ref PteRef(g);
            if (p.RmapNext == from)
            {
                p.RmapNext = (int)to;
                return;
            }
        }
        throw new InvalidOperationException($"rmap of page {pte.Target} lacks PTE {from}");
    }

    /// <summary>Splits the huge PMDs that <c>[first, first + count)</c> covers only in part (the VMA splits inside them).</summary>
    private void SplitHugeAtEdges(VmaInfo vma, long first, long count)
    {
        if (vma.Huge is null)
        {
            return;
        }
        var end = first + count;
        foreach (var r in (ReadOnlySpan<long>)[PageGeometry.PmdOf(first), PageGeometry.PmdOf(end - 1)])
        {
            var regionFirst = r * PageGeometry.PmdPages;
            var whole = first <= regionFirst && end >= regionFirst + PageGeometry.PmdPages;
            if (!whole && !vma.Huge[r].IsNull)
            {
                SplitHuge(vma, (int)r);
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
                // A migration entry (one a v13-as-posted call left) maps nothing: its kept write bit is not a writable mapping.
                return new PageView(d < 0 ? Residence.Ram : Residence.Device, d, content, pte.Writable && pte.Kind != PteKind.Migration);
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
