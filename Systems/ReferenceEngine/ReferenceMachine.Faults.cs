using HmmEcs.Components.Content;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>CPU faults (touch, pin, lock) and the ops built on them, each checked by a dry run first.</summary>
public sealed partial class ReferenceMachine
{
    private protected override Errno TouchCore(int vma, long first, long count, bool write, ulong salt, out FaultCounts faults)
    {
        faults = default;
        var v = _vmas[vma];
        var err = Prepass(v, first, count, 1, write);
        if (err != Errno.None)
        {
            return err;
        }
        for (var i = first; i < first + count; i++)
        {
            FaultIn(v, i, write, ref faults);
            if (write)
            {
                var stamp = Stamp.Of(salt, i);
                WriteContent(v.Ptes[i].Page!, stamp);
                v.Shadow[i] = stamp;
            }
        }
        return Errno.None;
    }

    private protected override Errno PinCore(int vma, long first, long count, int every, bool take, out long pages) =>
        ChangeEvery(_vmas[vma], first, count, every, page => take ? TakePin(page) : DropPin(page), out pages);

    private protected override Errno LockCore(int vma, long first, long count, int every, bool take, out long pages) =>
        ChangeEvery(_vmas[vma], first, count, every, page => SetLockedByOther(page, take), out pages);

    /// <summary>Faults in every <paramref name="every"/>-th page of the range, then applies <paramref name="change"/> to each; counts the pages it changed.</summary>
    private Errno ChangeEvery(RefVma v, long first, long count, int every, Func<RefPage, bool> change, out long pages)
    {
        pages = 0;
        var err = FaultInEvery(v, first, count, every);
        if (err != Errno.None)
        {
            return err;
        }
        for (long k = 0; k < count; k += every)
        {
            pages += change(v.Ptes[first + k].Page!) ? 1 : 0;
        }
        return Errno.None;
    }

    private bool TakePin(RefPage page)
    {
        if (page.Pins++ == 0)
        {
            _pinnedPages++;
        }
        AddRef(page);
        return true;
    }

    private bool DropPin(RefPage page)
    {
        if (page.Pins == 0)
        {
            return false;
        }
        if (--page.Pins == 0)
        {
            _pinnedPages--;
        }
        DropRef(page);
        return true;
    }

    private bool SetLockedByOther(RefPage page, bool locked)
    {
        if (page.LockedByOther == locked)
        {
            return false;
        }
        page.LockedByOther = locked;
        _lockedPages += locked ? 1 : -1;
        return true;
    }

    private protected override Errno SwapOutCore(int vma, long first, long count, int every, out long swapped)
    {
        swapped = 0;
        var v = _vmas[vma];
        if (v.Kind is not (VmaKind.Anon or VmaKind.FilePrivate))
        {
            return Errno.None;
        }
        for (long k = 0; k < count; k += every)
        {
            ref var pte = ref v.Ptes[first + k];
            if (pte.Kind != PteKind.Present)
            {
                continue;
            }
            var page = pte.Page!;
            if (page.Device >= 0 || page.MapCount != 1 || page.Pins != 0 || page.LockedByOther || page.Compound is not null || page.Cached)
            {
                continue;
            }
            if (page.SwapSlot is { } cachedSlot)
            {
                // A clean swap-cache page reuses its slot unwritten; reclaim drops it from the cache.
                cachedSlot.Count++;
                pte.Kind = PteKind.Swap;
                pte.Page = null;
                pte.Slot = cachedSlot;
                RemoveMap(page);
                LeaveSwapCache(page);
                swapped++;
                continue;
            }
            var slot = new RefSwapSlot { Count = 1, Stamp = page.Stamp, Bytes = page.Bytes };
            page.Bytes = null;
            _swapSlots.Add(slot);
            pte.Kind = PteKind.Swap;
            pte.Page = null;
            pte.Slot = slot;
            RemoveMap(page);
            swapped++;
        }
        return Errno.None;
    }

    /// <summary>Faults in every <paramref name="every"/>-th page of a range as a read touch would (pin, lock), never to the zero page.</summary>
    private Errno FaultInEvery(RefVma v, long first, long count, int every)
    {
        var err = Prepass(v, first, count, every, false, ownPage: true);
        if (err != Errno.None)
        {
            return err;
        }
        FaultCounts ignored = default;
        for (long k = 0; k < count; k += every)
        {
            FaultIn(v, first + k, false, ref ignored, ownPage: true);
        }
        return Errno.None;
    }

    /// <summary>
    /// The prepass of a fault loop (the front has checked the VMA's protection): EFAULT for a fault on an immovable
    /// device page, then ENOMEM when the frames the loop may take exceed the free frames: one per hole,
    /// swap-in, device page brought back and COW copy, and 512 for a region a huge fault would map
    /// (counted whole even though that fault falls back to one page when no aligned run is free).
    /// </summary>
    private Errno Prepass(RefVma v, long first, long count, int every, bool write, bool ownPage = false)
    {
        long need = 0;
        long plannedRegion = -1;
        for (long k = 0; k < count; k += every)
        {
            var frames = FramesFor(v, first + k, write, ref plannedRegion, ownPage);
            if (frames < 0)
            {
                return Errno.EFAULT;
            }
            need += frames;
        }
        return need > _ram.Free ? Errno.ENOMEM : Errno.None;
    }

    /// <summary>
    /// RAM frames the fault on page <paramref name="i"/> may take — a hole, a swap-in, a device page brought back,
    /// a COW copy one each, a region a huge fault would map 512 (on its first hole) — or -1 for an immovable device page.
    /// </summary>
    private long FramesFor(RefVma v, long i, bool write, ref long plannedRegion, bool ownPage = false)
    {
        ref var pte = ref v.Ptes[i];
        if (pte.Kind == PteKind.DevicePrivate && v.HugePmd[i / HugePages])
        {
            // A device-private folio (mainline) comes back whole or as base pages: 512 frames once per region, and a copy per page a write touches.
            if (!_devices[pte.Page!.Device].Config.Movable)
            {
                return -1;
            }
            // It comes back read-only where fork shared it, so a write then copies each page it touches (wp_page_copy).
            var folioCopy = write && !pte.Write && !v.IsShared && pte.Page!.MapCount > 1 ? 1 : 0;
            if (i / HugePages == plannedRegion)
            {
                return folioCopy;
            }
            plannedRegion = i / HugePages;
            return HugePages + folioCopy;
        }
        // A private mapping copies a page-cache page on write whatever its map count, and a racing write copies a page a call holds locked.
        var copy = write && !pte.Write && !v.IsShared && pte.Page is { } p && (p.MapCount > 1 || p.Cached || p.HelperLocked || SwapShared(p)) ? 1 : 0;
        return pte.Kind switch
        {
            PteKind.None => HoleFrames(v, i, ref plannedRegion, !write && !ownPage && MapsZeroPage(v)) + (write && v.Kind == VmaKind.FilePrivate ? 1 : 0),
            PteKind.Zero => write || ownPage ? 1 : 0,
            PteKind.Swap => SwapInFrames(pte.Slot!, write),
            PteKind.DevicePrivate => _devices[pte.Page!.Device].Config.Movable ? 1 + copy : -1,
            PteKind.Present => copy,
            _ => 0,
        };
    }

    /// <summary>A hole's frames: a whole huge page for the first hole of a region a huge fault maps, none for a cached file page.</summary>
    private long HoleFrames(RefVma v, long i, ref long plannedRegion, bool zeroPage)
    {
        var r = i / HugePages;
        if (r == plannedRegion)
        {
            return 0;
        }
        if (WantsHugeFault(v, r))
        {
            plannedRegion = r;
            return HugePages;
        }
        return zeroPage || (v.Cache is { } cache && cache[i] is not null) ? 0 : 1;
    }

    /// <summary>
    /// A read fault on a hole maps the shared zero page: private anon VMAs of a machine with it (hugetlb, pfnmap and
    /// THP regions a huge fault fills fault real pages, as the ECS engine's <c>MapsZeroPage</c>).
    /// </summary>
    private bool MapsZeroPage(RefVma v) => Config.ZeroPage && v.Kind == VmaKind.Anon;

    /// <summary>
    /// A hole fault maps a whole huge page over region <paramref name="r"/>: a hugetlb VMA, or a THP
    /// anon (or pfnmap) VMA, when the region lies inside the VMA and has no PTE at all.
    /// </summary>
    private static bool WantsHugeFault(RefVma v, long r)
    {
        var hugeKind = v.Kind == VmaKind.Hugetlb || (v.Thp && v.Kind is VmaKind.Anon or VmaKind.Pfnmap);
        if (!hugeKind || (r + 1) * HugePages > v.Pages)
        {
            return false;
        }
        var ptes = v.Ptes;
        var prot = v.Prot[r * HugePages];
        for (var i = r * HugePages; i < (r + 1) * HugePages; i++)
        {
            // One kernel VMA must cover the region: a partial munmap or mprotect inside it rules a huge page out.
            if (ptes[i].Kind != PteKind.None || v.Prot[i] != prot)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// One CPU access to page <paramref name="i"/>: the faults it needs, in the model's order. The prepass made room.
    /// <paramref name="ownPage"/> (pin, lock, a device access) never leaves the zero page mapped there.
    /// </summary>
    private void FaultIn(RefVma v, long i, bool write, ref FaultCounts faults, bool ownPage = false)
    {
        ref var pte = ref v.Ptes[i];
        switch (pte.Kind)
        {
            case PteKind.None:
                faults.New++;
                if (!write && !ownPage && MapsZeroPage(v) && !WantsHugeFault(v, i / HugePages))
                {
                    pte = new RefPte { Kind = PteKind.Zero };
                    return;
                }
                FaultHole(v, i);
                break;
            case PteKind.Zero when ownPage && !write:
                // As the ECS engine: a pin, lock or device access takes a page of its own (the kernel would use the zero page).
                faults.New++;
                pte = default;
                FaultHole(v, i);
                break;
            case PteKind.Swap:
                faults.Swap++;
                if (Config.SwapCache)
                {
                    SwapInCached(v, i, write);
                }
                else
                {
                    SwapIn(v, i, write);
                }
                break;
            case PteKind.DevicePrivate:
                faults.Device++;
                if (v.HugePmd[i / HugePages])
                {
                    FaultBackFolio(v, i / HugePages);
                }
                else
                {
                    FaultBack(v, i);
                }
                break;
            case PteKind.Migration:
                throw new InvalidOperationException("migration entry outside a migration");
        }
        if (write && !pte.Write)
        {
            faults.Cow++;
            WriteProtectFault(v, i);
        }
    }

    private void FaultHole(RefVma v, long i)
    {
        var r = i / HugePages;
        // Departs from hugetlb: with no free aligned run (or a region past the VMA end) it falls back to a 4 KiB page, as THP does.
        if (WantsHugeFault(v, r) && TryNewHugePage(out var head))
        {
            MapHuge(v, r, head);
            return;
        }
        if (v.Cache is { } cache)
        {
            var cached = cache[i];
            if (cached is null)
            {
                cached = NewRamPage();
                cached.Mapping = v.FileMapping ?? v.Mapping;
                cached.Index = i + v.PgOff;
                cached.Cached = true;
                AddRef(cached);
                SetLru(cached, true);
                cache[i] = cached;
            }
            // A private file mapping maps the page-cache page read-only (a write copies it).
            MapPage(v, i, cached, v.WritableAt(i) && v.IsShared);
            return;
        }
        var page = NewRamPage();
        page.Mapping = v.Mapping;
        page.Index = i + v.PgOff;
        SetLru(page, true);
        MapPage(v, i, page, v.WritableAt(i));
    }

    /// <summary>Maps a new compound page over region <paramref name="r"/> with one huge PMD.</summary>
    private void MapHuge(RefVma v, long r, long head)
    {
        v.HugePmd[r] = true;
        for (var j = 0; j < HugePages; j++)
        {
            var page = _ramPages[head + j]!;
            var i = r * HugePages + j;
            page.Mapping = v.Mapping;
            page.Index = i + v.PgOff;
            SetLru(page, true);
            MapPage(v, i, page, v.WritableAt(i));
        }
    }

    private static void MapPage(RefVma v, long i, RefPage page, bool writable)
    {
        ref var pte = ref v.Ptes[i];
        pte.Kind = page.Unaddressable ? PteKind.DevicePrivate : PteKind.Present;
        pte.Page = page;
        pte.Slot = null;
        pte.Write = writable;
        AddMap(page);
    }

    private void SwapIn(RefVma v, long i, bool write)
    {
        ref var pte = ref v.Ptes[i];
        var slot = pte.Slot!;
        var page = ReadSlot(v, i, slot);
        // No swap cache: the page is this process's alone. As 2016's do_swap_page, it maps writable only on a write
        // fault when no one else held the slot; a read fault maps it read-only (mainline: writable if exclusive).
        var exclusive = slot.Count == 1;
        DropSlot(slot);
        MapPage(v, i, page, v.WritableAt(i) && exclusive && write);
    }

    /// <summary>A new RAM page holding swap slot <paramref name="slot"/>'s content, for page <paramref name="i"/> of <paramref name="v"/>, on the LRU.</summary>
    private RefPage ReadSlot(RefVma v, long i, RefSwapSlot slot)
    {
        var page = NewRamPage();
        if (page.Bytes is not null)
        {
            slot.Bytes.AsSpan().CopyTo(page.Bytes);
        }
        else
        {
            page.Stamp = slot.Stamp;
        }
        page.Mapping = v.Mapping;
        page.Index = i + v.PgOff;
        SetLru(page, true);
        return page;
    }

    /// <summary>
    /// Swap-in through the swap cache: map the slot's cached page, or read a new one and cache it. A write by the only
    /// user takes it out of the cache and maps it writable; otherwise it maps read-only (a write then copies it).
    /// </summary>
    private void SwapInCached(RefVma v, long i, bool write)
    {
        ref var pte = ref v.Ptes[i];
        var slot = pte.Slot!;
        var page = slot.Cache;
        if (page is null)
        {
            page = ReadSlot(v, i, slot);
            slot.Cache = page;
            page.SwapSlot = slot;
            AddRef(page);
        }
        pte = default;
        MapPage(v, i, page, false);
        DropSlot(slot);
        // A page a call holds locked is copied, not reused, as by the write-protect fault (2016's do_swap_page would sleep in lock_page: docs/model.md "Races").
        if (write && v.WritableAt(i) && page.MapCount == 1 && !page.HelperLocked && !SwapShared(page))
        {
            LeaveSwapCache(page);
            pte.Write = true;
        }
    }

    /// <summary>Frames a swap-in takes: a page unless one is cached, and a copy for a write that will not be its only user.</summary>
    private long SwapInFrames(RefSwapSlot slot, bool write)
    {
        if (!Config.SwapCache)
        {
            return 1;
        }
        var sole = slot.Count == 1 && slot.Cache is not { MapCount: > 0 } && slot.Cache is not { HelperLocked: true };
        return (slot.Cache is null ? 1 : 0) + (write && !sole ? 1 : 0);
    }

    /// <summary>
    /// The device's CPU-fault handler: a one-page migrate to RAM through the helper's phases, over every
    /// mapping of the page. Brings back only the faulting page, as the kernel's test driver (dmirror) does.
    /// </summary>
    /// <summary>Mainline: the page a CPU fault is bringing back (<c>migrate_vma.fault_page</c>), while its migrate runs.</summary>
    private RefPage? _faultPage;

    private void FaultBack(RefVma v, long i)
    {
        var page = v.Ptes[i].Page!;
        var mainline = Config.Profile == SemanticsProfile.Mainline;
        if (mainline)
        {
            // Mainline's do_swap_page locks the faulting page and takes a reference before migrate_to_ram, which names it
            // migrate_vma.fault_page: collect does not trylock it again.
            page.HelperLocked = true;
            AddRef(page);
            _faultPage = page;
        }
        MigrateReason outcome;
        try
        {
            outcome = MigrateRange(v, i, 1, -1, default, MigrateSelection.ToRam, null).Outcome[0];
        }
        finally
        {
            _faultPage = null;
        }
        if (mainline)
        {
            // The fault path unlocks and puts the page; a page that moved is freed at this put.
            page.HelperLocked = false;
            DropRef(page);
        }
        if (outcome != MigrateReason.None)
        {
            throw new InvalidOperationException($"fault-back of page {i} failed: {outcome.Key()}");
        }
    }

    /// <summary>
    /// The fault handler on a PMD-level device-private entry (mainline 6.19's do_huge_pmd_device_private): the whole
    /// folio comes back through the helper with select device-private and compound, into a RAM folio when an aligned
    /// run is free, else as base pages.
    /// </summary>
    private void FaultBackFolio(RefVma v, long r)
    {
        var m = MigrateRange(v, r * HugePages, HugePages, -1, default,
            new MigrateSelection(MigrateSelect.DevicePrivate | MigrateSelect.Compound, MigrateSelection.AnyOwner), null);
        for (var k = 0; k < HugePages; k++)
        {
            if (m.Outcome[k] != MigrateReason.None)
            {
                throw new InvalidOperationException($"fault-back of the folio at page {r * HugePages} failed: {m.Outcome[k].Key()}");
            }
        }
    }

    /// <summary>A write to a present read-only PTE of a writable VMA: copy a shared private page, else make it writable.</summary>
    private void WriteProtectFault(RefVma v, long i)
    {
        ref var pte = ref v.Ptes[i];
        if (pte.Kind == PteKind.Zero)
        {
            // Copy-on-write from the zero page: a new zero-filled private page, writable.
            pte = default;
            var fresh = NewRamPage();
            fresh.Mapping = v.Mapping;
            fresh.Index = i + v.PgOff;
            SetLru(fresh, true);
            MapPage(v, i, fresh, true);
            return;
        }
        var page = pte.Page!;
        // A write-protect fault on a huge PMD splits it first; the compound page stays (hugetlb too: the simulator never copies a whole huge page).
        v.HugePmd[i / HugePages] = false;
        // A page a call holds locked is never reused (the reuse path needs its lock): a racing write copies it; a private
        // mapping never writes a page-cache page: it copies it (do_cow_fault / wp_page_copy).
        if (v.IsShared || (page.MapCount <= 1 && !page.HelperLocked && !page.Cached && !SwapShared(page)))
        {
            if (page.SwapSlot is not null)
            {
                // reuse_swap_page: the write dirties it, so the slot's copy is stale; the page leaves the cache.
                LeaveSwapCache(page);
            }
            pte.Write = true;
            return;
        }
        var copy = NewRamPage();
        CopyContent(page, copy);
        copy.Mapping = v.Mapping;
        copy.Index = i + v.PgOff;
        SetLru(copy, true);
        RemoveMap(page);
        MapPage(v, i, copy, true);
    }
}
