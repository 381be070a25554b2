using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Devices.Driver;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration.AsPosted;

/// <summary>
/// The ECS engine's kernel primitives for <see cref="PostedHelper"/>, on the page and PTE components. Its convention, as
/// the <c>v13</c> pipeline's: a migration entry stays in its page's reverse map and mapcount (so every rmap walk finds it);
/// the helper's references (collect, isolation, a destination's allocation) are added to <see cref="Page.Refcount"/>.
/// </summary>
internal readonly struct EcsPostedKernel(MemoryManager mm, VmaInfo vma, IMigrateOps ops, PostedCall call) : IPostedKernel
{
    public long VmaPages => vma.Pages;

    // A VMA split by a partial mprotect answers for its page 0's piece (the posted code sees one vm_area_struct).
    public bool VmaWritable => vma.WritableAt(0);

    public void SplitHugePmds(long firstSpan, long lastSpan)
    {
        if (vma.Huge is null)
        {
            return;
        }
        for (var r = firstSpan; r <= lastSpan; r++)
        {
            if (!vma.Huge[r].IsNull)
            {
                mm.SplitHuge(vma, (int)r);
            }
        }
    }

    public bool PmdTableExists(long span)
    {
        if (vma.HasHuge(span * PageGeometry.PmdPages))
        {
            return true;
        }
        var lo = span * PageGeometry.PmdPages;
        var hi = Math.Min(lo + PageGeometry.PmdPages, vma.Pages);
        for (var i = lo; i < hi; i++)
        {
            if (mm.PteRef(vma.FirstPte + i).Kind != PteKind.None)
            {
                return true;
            }
        }
        return false;
    }

    public PostedPte ReadPte(long i)
    {
        ref var pte = ref mm.PteRef(vma.FirstPte + i);
        return pte.Kind switch
        {
            // pfn_to_page of the zero pfn: a page like any other to the posted code (special or not, or behind a migration entry).
            PteKind.Zero when (pte.Bits & PteBits.ZeroMigration) != 0 => new PostedPte(PostedPteKind.Migration, PostedZeroPage.Handle, false),
            PteKind.Zero => new PostedPte(PostedPteKind.Present, PostedZeroPage.Handle, false),
            PteKind.None => new PostedPte(PostedPteKind.None, -1, false),
            PteKind.Swap => new PostedPte(PostedPteKind.Swap, -1, pte.Writable),
            PteKind.Present => new PostedPte(PostedPteKind.Present, pte.Target, pte.Writable),
            PteKind.DevicePrivate => new PostedPte(PostedPteKind.Device, pte.Target, pte.Writable),
            _ => new PostedPte(PostedPteKind.Migration, pte.Target, pte.Writable),
        };
    }

    /// <summary>The PTE leaves the reverse map (its rows stay consistent) but the page keeps the mapping's counts: the leak.</summary>
    public void DropPte(long i)
    {
        var g = vma.FirstPte + i;
        mm.RmapRemove(mm.PteRef(g).Target, g);
        mm.PteRef(g) = new Pte { Target = -1, RmapNext = -1 };
    }

    public void ToMigrationEntry(long i)
    {
        ref var pte = ref mm.PteRef(vma.FirstPte + i);
        if (pte.Kind == PteKind.Zero)
        {
            // page_remove_rmap and the mapping's put, on a page whose special mapping was never counted.
            pte.Bits |= PteBits.ZeroMigration;
            mm.Zero.Mapcount--;
            mm.Zero.Refcount--;
            return;
        }
        pte.Kind = PteKind.Migration;
    }

    public void MapOverMigrationEntry(long i, int page, bool write)
    {
        var g = vma.FirstPte + i;
        ref var pte = ref mm.PteRef(g);
        var bits = write ? PteBits.Write : PteBits.None;
        if (page == PostedZeroPage.Handle || pte.Kind == PteKind.Zero)
        {
            MapOverZero(g, page, bits);
            return;
        }
        var kind = IsUnaddressable(page) ? PteKind.DevicePrivate : PteKind.Present;
        if (pte.Target == page)
        {
            pte.Kind = kind;
            pte.Bits = bits;
            return;
        }
        MoveEntry(g, page, kind, bits);
    }

    public PostedPage Page(int page)
    {
        if (page == PostedZeroPage.Handle)
        {
            var z = mm.Zero;
            return new PostedPage(-1, false, true, false, false, 0, z.OnLru, false, z.HelperLocked, Zero: true, z.Refcount, z.Mapcount);
        }
        var chunk = mm.Memory.Locate(page, out var row);
        ref var p = ref chunk.GetSpan<Page>()[row];
        var device = page < mm.Memory.RamPages ? -1 : mm.Memory.DeviceOf(page);
        var movable = device < 0 || mm.Memory.Devices[device].Spec.Movable;
        var other = p.Is(PageFlags.LockedByOther);
        var locked = chunk.IsEnabled<Locked>(row);
        return new PostedPage(device, chunk.Has<Unaddressable>(), movable, p.Is(PageFlags.Compound), p.Is(PageFlags.File) || p.Is(PageFlags.SwapCache), p.Pins,
            p.Is(PageFlags.Lru), other, locked && !other);
    }

    public void Get(int page)
    {
        if (page == PostedZeroPage.Handle)
        {
            mm.Zero.Refcount++;
            return;
        }
        mm.PageRef(page).Refcount++;
    }

    public void Put(int page)
    {
        if (page == PostedZeroPage.Handle)
        {
            mm.Zero.Refcount--;
            return;
        }
        mm.PageRef(page).Refcount--;
    }

    public void FreeIfUnreferenced(int page)
    {
        if (page == PostedZeroPage.Handle)
        {
            return;
        }
        var chunk = mm.Memory.Locate(page, out var row);
        ref var p = ref chunk.GetSpan<Page>()[row];
        if (!p.Is(PageFlags.Allocated) || p.Refcount > 0 || p.Mapcount > 0 || p.Is(PageFlags.File) || p.Is(PageFlags.SwapCache) || chunk.IsEnabled<Locked>(row))
        {
            return;
        }
        p.Refcount = 1;
        mm.PutPage(page);
    }

    public void SetHelperLock(int page, bool locked)
    {
        if (page == PostedZeroPage.Handle)
        {
            mm.Zero.HelperLocked = locked;
            return;
        }
        var chunk = mm.Memory.Locate(page, out var row);
        chunk.SetEnabled<Locked>(row, locked);
    }

    public void SetLru(int page, bool on)
    {
        if (page == PostedZeroPage.Handle)
        {
            mm.Zero.OnLru = on;
            return;
        }
        ref var p = ref mm.PageRef(page);
        p.Flags = on ? p.Flags | PageFlags.Lru : p.Flags & ~PageFlags.Lru;
    }

    public void TryToUnmap(int page)
    {
        if (page == PostedZeroPage.Handle)
        {
            // The zero page never reaches unmap (its isolation always fails, IsolateZeroPage).
            return;
        }
        for (var g = mm.PageRef(page).RmapHead; g >= 0;)
        {
            ref var pte = ref mm.PteRef(g);
            if (pte.Kind is PteKind.Present or PteKind.DevicePrivate)
            {
                pte.Kind = PteKind.Migration;
            }
            g = pte.RmapNext;
        }
    }

    public void RemoveMigrationPtes(int page, int newPage)
    {
        if (page == PostedZeroPage.Handle)
        {
            // The zero page has no mapping: the rmap walk finds nothing and its migration entries stay (4.9 inference, §6(c)4).
            return;
        }
        var kind = IsUnaddressable(newPage) ? PteKind.DevicePrivate : PteKind.Present;
        var g = (long)mm.PageRef(page).RmapHead;
        while (g >= 0)
        {
            ref var pte = ref mm.PteRef(g);
            var next = pte.RmapNext;
            if (pte.Kind == PteKind.Migration)
            {
                if (newPage == page)
                {
                    pte.Kind = kind;
                }
                else
                {
                    MoveEntry(g, newPage, kind, pte.Bits);
                }
            }
            g = next;
        }
    }

    public CopyStats AllocAndCopy(ReadOnlySpan<bool> migrating, ReadOnlySpan<int> src, Span<int> dst)
    {
        var n = migrating.Length;
        var srcPfns = new HmmPfn[n];
        var dstPfns = new HmmPfn[n];
        for (var k = 0; k < n; k++)
        {
            if (migrating[k])
            {
                var flags = HmmPfn.Migrate | HmmPfn.Locked | (IsUnaddressable(src[k]) ? HmmPfn.Unaddressable : 0);
                srcPfns[k] = HmmPfn.From(src[k], flags);
            }
        }
        var cost = ops.AllocAndCopy(new MigrateWindow(call.Start, call.Start + n, vma.Pages), srcPfns, dstPfns);
        var pages = 0L;
        for (var k = 0; k < n; k++)
        {
            if (migrating[k] && srcPfns[k].Has(HmmPfn.Migrate) && dstPfns[k].Has(HmmPfn.Valid))
            {
                var d = (int)dstPfns[k].Pfn;
                SetHelperLock(d, true);
                mm.PageRef(d).Refcount++;
                dst[k] = d;
                pages++;
            }
        }
        return new CopyStats { Pages = cost.Pages, Bytes = cost.Pages * PageGeometry.PageBytes, Batches = cost.Batches, DeviceTimeUs = cost.DeviceTimeUs };
    }

    public void MigratePage(int src, int dst)
    {
        ref var s = ref mm.PageRef(src);
        ref var d = ref mm.PageRef(dst);
        d.Flags |= s.Flags & (PageFlags.Anon | PageFlags.File);
        if (s.Is(PageFlags.File))
        {
            mm.MoveCachePage(src, dst);
            s.Flags &= ~PageFlags.File;
            s.Refcount--;
            d.Refcount++;
        }
        if (s.Is(PageFlags.SwapCache))
        {
            // folio_migrate_mapping of a swap-cache folio: the cache entry and its reference move to the new page.
            mm.MoveSwapCachePage(src, dst);
            s.Flags &= ~PageFlags.SwapCache;
            d.Flags |= PageFlags.SwapCache;
            s.Refcount--;
            d.Refcount++;
        }
    }

    public void AdoptRmap(int src, int dst) => mm.PageRef(dst).Flags |= mm.PageRef(src).Flags & PageFlags.Anon;

    private bool IsUnaddressable(int page) => mm.Memory.Locate(page, out _).Has<Unaddressable>();

    /// <summary>
    /// A rebuild that involves the zero page: a present PTE to it without the special bit (counted in its mapcount and
    /// refcount), or another page mapped over a migration entry to it.
    /// </summary>
    private void MapOverZero(long g, int page, PteBits bits)
    {
        ref var pte = ref mm.PteRef(g);
        // A migration entry to the zero page holds none of its counts (collect's rmap removal took them).
        if (pte.Kind != PteKind.Zero)
        {
            var old = pte.Target;
            mm.RmapRemove(old, g);
            mm.PageRef(old).Mapcount--;
            mm.PageRef(old).Refcount--;
        }
        if (page == PostedZeroPage.Handle)
        {
            mm.PteRef(g) = new Pte { Kind = PteKind.Zero, Bits = PteBits.ZeroNotSpecial, Target = -1, RmapNext = -1 };
            mm.Zero.Mapcount++;
            mm.Zero.Refcount++;
            return;
        }
        mm.PteRef(g) = new Pte { Target = -1, RmapNext = -1 };
        mm.MapPte(g, page, IsUnaddressable(page) ? PteKind.DevicePrivate : PteKind.Present, bits);
    }

    /// <summary>Entry <paramref name="g"/> leaves its page's reverse map and counts and maps <paramref name="page"/>.</summary>
    private void MoveEntry(long g, int page, PteKind kind, PteBits bits)
    {
        var old = mm.PteRef(g).Target;
        mm.RmapRemove(old, g);
        ref var o = ref mm.PageRef(old);
        o.Mapcount--;
        o.Refcount--;
        mm.MapPte(g, page, kind, bits);
    }
}
