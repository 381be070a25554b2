using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Machine.Races;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>
/// The migration helper (hmm_vma_migrate, v13): one plain loop per phase over the request's
/// pages, in the seed's order. A page in flight has a source and no outcome yet.
/// </summary>
public sealed partial class ReferenceMachine
{
    private protected override Errno MigrateCore(int vma, long first, long count, int target, FailureInjection inject, MigrateSelection select, MigrateResult result)
    {
        var v = _vmas[vma];
        var races = TakeRaceHook();
        Array.Clear(result.Reasons);
        result.Migrated = 0;
        result.TlbFlushes = 0;
        result.Costs = default;
        result.HolesInserted = 0;
        result.Copy = default;
        result.Findings = null;
        if (Config.Profile == SemanticsProfile.V13AsPosted)
        {
            MigrateAsPosted(v, first, count, target, inject, result, races);
            return Errno.None;
        }
        var run = MigrateRange(v, first, count, target, inject, select, result, races);
        result.Requested = count;
        RecordOutcomes(v, first, count, target, run.Outcome, null, result);
        return Errno.None;
    }

    /// <summary>
    /// Fills <paramref name="result"/>'s per-page outcomes, its reason counts and <c>migrated</c> from the call's
    /// <paramref name="outcome"/> per slot (a slot <paramref name="migrated"/> says moved counts as moved), and maps every
    /// migrated page into the target device's mirror, as dmirror's finalize does.
    /// </summary>
    private void RecordOutcomes(RefVma v, long first, long count, int target, MigrateReason[] outcome, bool[]? migrated, MigrateResult result)
    {
        var outcomes = new MigrateReason[count];
        for (var k = 0; k < count; k++)
        {
            var o = migrated is not null && migrated[k] ? MigrateReason.None : outcome[k];
            outcomes[k] = o;
            if (o == MigrateReason.None)
            {
                result.Migrated++;
                if (target >= 0)
                {
                    MirrorMap(v, target, first + k);
                }
            }
            else
            {
                result.Reasons[(int)o]++;
            }
        }
        result.PageOutcomes = outcomes;
    }

    /// <summary>
    /// Runs the helper's phases over pages <paramref name="first"/>.. of <paramref name="v"/> to
    /// <paramref name="target"/> (-1: RAM). Fills the flush and copy figures of <paramref name="result"/>
    /// when given (a fault-back reports none) and returns the run, whose outcomes stay valid until the next call.
    /// </summary>
    private MigrationRun MigrateRange(RefVma v, long first, long count, int target, FailureInjection inject, MigrateSelection select, MigrateResult? result,
        IRaceBoundaryHook? races = null)
    {
        if (_migrating is not null)
        {
            // Another actor's call while one is between phases (a race): a run of its own, as a second thread would have.
            return MigrateNested(v, first, count, target, inject, select, result);
        }
        _migrating = _run;
        try
        {
            var m = SetupRun(v, first, count, target, inject, select, default, races);
            m.Copy = m.DriverCalled ? AllocAndCopy(m) : default;
            races?.At(RaceBoundary.AfterAllocAndCopy);
            PagesRun(m, races);
            FinalizeRun(m, result, races);
            return m;
        }
        finally
        {
            _migrating = null;
        }
    }

    private MigrationRun MigrateNested(RefVma v, long first, long count, int target, FailureInjection inject, MigrateSelection select, MigrateResult? result)
    {
        var outer = _migrating;
        _migrating = null;
        try
        {
            _nestedRun ??= new MigrationRun();
            var saved = _run;
            _run = _nestedRun;
            try
            {
                return MigrateRange(v, first, count, target, inject, select, result);
            }
            finally
            {
                _run = saved;
            }
        }
        finally
        {
            _migrating = outer;
        }
    }

    /// <summary>
    /// The phases up to the driver (mainline's migrate_vma_setup): collect, lock and isolate, unmap, each restoring
    /// what failed in it. When <paramref name="hostSrc"/> is not empty it gets the three-call API's <c>src</c> as collect
    /// leaves it (<see cref="MigratePfn"/> encoding). <paramref name="races"/> runs other actors at the phase boundaries.
    /// </summary>
    private MigrationRun SetupRun(RefVma v, long first, long count, int target, FailureInjection inject, MigrateSelection select, Span<ulong> hostSrc,
        IRaceBoundaryHook? races = null)
    {
        var m = _run;
        m.Begin(v, first, count, target, inject, select);
        m.Flushes = Config.Profile == SemanticsProfile.Mainline ? CollectMainline(m) : Collect(m);
        // Collect is one walk inside one notifier range, which every mirror of the process receives.
        m.Costs.Walks++;
        m.Costs.Invalidations++;
        if (!hostSrc.IsEmpty)
        {
            CollectedSrc(m, hostSrc);
        }
        races?.At(RaceBoundary.AfterCollect);
        LockAndIsolate(m);
        RestoreFailed(m);
        races?.At(RaceBoundary.AfterLock);
        Unmap(m);
        RestoreFailed(m);
        races?.At(RaceBoundary.AfterUnmap);
        // As the seed: when every collected page has failed (npages == 0) the helper returns before the driver.
        m.DriverCalled = AnyInFlight(m);
        return m;
    }

    /// <summary>The phases after the driver's allocate-and-copy (mainline's migrate_vma_pages): struct pages, then holes.</summary>
    private void PagesRun(MigrationRun m, IRaceBoundaryHook? races = null)
    {
        // migrate_struct_page and remove_migration_pte each walk the page table again once the driver ran.
        m.Costs.Walks += m.DriverCalled ? 2 : 0;
        MigrateStructPage(m);
        m.Inserted = Config.Profile == SemanticsProfile.Mainline ? InsertHoles(m, ref m.Flushes) : 0;
        races?.At(RaceBoundary.AfterMigrateStructPage);
    }

    /// <summary>The last phases (mainline's migrate_vma_finalize); fills the flush and copy figures of <paramref name="result"/> when given.</summary>
    private void FinalizeRun(MigrationRun m, MigrateResult? result, IRaceBoundaryHook? races = null)
    {
        FinalizeAndMap(m);
        races?.At(RaceBoundary.AfterFinalizeAndMap);
        RemoveMigrationEntries(m);
        FinishUnits(m);
        if (result is not null)
        {
            result.TlbFlushes = m.Flushes;
            result.Costs = m.Costs;
            result.HolesInserted = m.Inserted;
            result.Copy = m.Copy;
        }
    }

    /// <summary>
    /// Collect: walk the page table, give up what cannot migrate, take the helper's lock and reference
    /// on the rest and replace their entries in this VMA by migration entries.
    /// </summary>
    private long Collect(MigrationRun m)
    {
        var v = m.Vma;
        long flushes = 0;
        long lastFlushedSpan = -1;
        SplitHugePmds(m);
        for (long k = 0; k < m.Count; k++)
        {
            var i = m.First + k;
            ref var pte = ref v.Ptes[i];
            if (pte.Kind == PteKind.None)
            {
                // As v13: holes are not migrated (mainline 4.14+ populates anonymous holes).
                m.Outcome[k] = MigrateReason.Hole;
                continue;
            }
            if (pte.Kind == PteKind.Swap)
            {
                m.Outcome[k] = MigrateReason.Swap;
                continue;
            }
            if (pte.Kind == PteKind.Zero)
            {
                // vm_normal_page has no page for the zero page: the seed as intended leaves the entry alone.
                m.Outcome[k] = MigrateReason.ZeroPage;
                continue;
            }
            if (pte.Kind == PteKind.Migration)
            {
                // Another call holds the page (a race): the seed skips the entry as a swap entry; reported as the lock it is.
                m.Outcome[k] = MigrateReason.Locked;
                continue;
            }
            var page = pte.Page!;
            if (m.Target < 0 ? page.Device < 0 : page.Device == m.Target)
            {
                // Departs from the 2016 code (no target filter: collected, unmapped, flushed, then declined by the driver):
                // given up at collect, as mainline's selection does.
                m.Outcome[k] = MigrateReason.AlreadyOnTarget;
                continue;
            }
            if (pte.Kind == PteKind.DevicePrivate && !_devices[page.Device].Config.Movable)
            {
                // As the seed: MEMORY_MOVABLE is tested for device-private entries only; addressable pages are collected like RAM.
                m.Outcome[k] = MigrateReason.DeviceImmovable;
                continue;
            }
            if (page.Compound is not null)
            {
                m.Outcome[k] = MigrateReason.Compound;
                continue;
            }
            if (page.LockedByOther || page.HelperLocked)
            {
                // v13 would sleep in lock_page later; the simulator gives the page up, as mainline's trylock does.
                m.Outcome[k] = MigrateReason.Locked;
                continue;
            }
            page.HelperLocked = true;
            AddRef(page);
            m.Source[k] = page;
            if (i / HugePages != lastFlushedSpan)
            {
                // As the seed's walker: a device-private entry converted counts like a present PTE (pages++), and
                // a PMD span with any converted entry is flushed.
                lastFlushedSpan = i / HugePages;
                flushes++;
            }
            ToMigrationEntry(ref pte);
        }
        return flushes;
    }

    /// <summary>Lock and isolate: the pin check, then taking the page off the LRU.</summary>
    private void LockAndIsolate(MigrationRun m)
    {
        for (long k = 0; k < m.Count; k++)
        {
            if (!m.PageInFlight(k))
            {
                continue;
            }
            var page = m.Source[k]!;
            // References beyond mappings, the helper's and the page cache's are pins: mainline counts the
            // cache's reference; v13's formula did not, which made every file page look pinned.
            if (page.Pins > 0)
            {
                m.Outcome[k] = MigrateReason.Pinned;
            }
            else if (Injected(m.Inject.IsolateEvery, k))
            {
                m.Outcome[k] = MigrateReason.Isolate;
            }
            else
            {
                SetLru(page, false);
            }
        }
    }

    /// <summary>Unmap: every other mapping of the page (other processes after fork) becomes a migration entry too.</summary>
    private void Unmap(MigrationRun m)
    {
        for (long k = 0; k < m.Count; k++)
        {
            if (!m.PageInFlight(k))
            {
                continue;
            }
            if (Injected(m.Inject.UnmapEvery, k))
            {
                m.Outcome[k] = MigrateReason.Unmap;
                continue;
            }
            var page = m.Source[k]!;
            var vmas = page.Mapping!.Vmas;
            for (var n = 0; n < vmas.Count; n++)
            {
                var other = vmas[n];
                if (other.PageOf(page.Index) is var oi and >= 0)
                {
                    ref var pte = ref other.Ptes[oi];
                    if (pte.MapsPage && ReferenceEquals(pte.Page, page))
                    {
                        // try_to_unmap_one: a notifier invalidation per mapping, a flush per present PTE.
                        m.Costs.Invalidations++;
                        m.Costs.UnmapFlushes += pte.Kind == PteKind.Present ? 1 : 0;
                        ToMigrationEntry(ref pte);
                    }
                }
            }
            // The pin check again after try_to_unmap (the seed's unmap, mainline's migrate_device_unmap): a racing pin
            // taken through a mapping that was live until now fails the page here.
            if (page.Pins > 0)
            {
                m.Outcome[k] = MigrateReason.Pinned;
            }
        }
    }

    /// <summary>What a racing fault or pin finds at page <paramref name="i"/>: the page identified across RAM and devices.</summary>
    private protected override RaceEntry RaceEntryCore(int vma, long i, out long page)
    {
        var v = _vmas[vma];
        ref var pte = ref v.Ptes[i];
        page = pte.Page is { } p ? ((long)(p.Device + 1) << 40) | p.Frame : -1;
        switch (pte.Kind)
        {
            case PteKind.DevicePrivate:
                return pte.Page!.HelperLocked || pte.Page.LockedByOther ? RaceEntry.LockedPage : RaceEntry.Mapped;
            case PteKind.Present:
                return RaceEntry.Mapped;
            case PteKind.None when v.Cache is { } cache && cache[i] is { } cached && (cached.HelperLocked || cached.LockedByOther || IsCallDestination(cached)):
                page = ((long)(cached.Device + 1) << 40) | cached.Frame;
                return RaceEntry.LockedPage;
            case PteKind.Migration:
                return RaceEntry.MigrationEntry;
            default:
                // A hole of a file or shmem VMA stands for its page-cache page, if any.
                page = pte.Kind == PteKind.None && v.Cache is { } c && c[i] is { } p2 ? ((long)(p2.Device + 1) << 40) | p2.Frame : -1;
                return RaceEntry.None;
        }
    }

    /// <summary>
    /// Whether <paramref name="page"/> is a destination of the call in flight: the driver locks each one (lib/test_hmm.c's
    /// <c>lock_page</c> on every dst) until remove-migration-entries, so a fault that finds it in the page cache waits.
    /// Departure: the plain engine marks no lock on destinations; it looks them up here, on the race path only: a cached
    /// destination took its source's place in the mapping (move_to_new_page), so it can only be the destination of the
    /// slot its index falls in.
    /// </summary>
    private bool IsCallDestination(RefPage page)
    {
        if (_migrating is not { } run || page.Mapping is not { } mapping
            || !(ReferenceEquals(mapping, run.Vma.Mapping) || ReferenceEquals(mapping, run.Vma.FileMapping)))
        {
            return false;
        }
        var k = run.Vma.PageOf(page.Index) - run.First;
        return k >= 0 && k < run.Count && ReferenceEquals(run.Destination[k], page);
    }

    /// <summary>
    /// The driver's alloc_and_copy: destinations in ascending address order (the chunk rule for
    /// <c>chunk</c> devices), then one submission of every copy to the copy engine.
    /// </summary>
    private CopyStats AllocAndCopy(MigrationRun m)
    {
        DropUnselected(m);
        AllocFolios(m);
        if (m.Target >= 0 && _devices[m.Target].Config.Allocation == DeviceAllocation.Chunk)
        {
            AllocChunks(m);
        }
        else
        {
            for (long k = 0; k < m.Count; k++)
            {
                if (!m.InFlight(k) || m.Destination[k] is not null)
                {
                    continue;
                }
                var dst = m.Target < 0 ? TryNewRamPage() : TryNewDevicePage(m.Target);
                if (dst is null)
                {
                    m.Outcome[k] = MigrateReason.Alloc;
                    continue;
                }
                m.Destination[k] = dst;
            }
        }
        return CopyAll(m);
    }

    /// <summary>
    /// Chunk rule: group <c>floor(i / chunkPages)</c> of the VMA's pages (the last one may be short)
    /// gets the lowest wholly free chunk at least as long as the group, only when all of it is in the
    /// range and in flight; group page <c>j</c> takes chunk page <c>j</c>.
    /// </summary>
    private void AllocChunks(MigrationRun m)
    {
        var device = _devices[m.Target];
        long cp = device.Config.ChunkPages;
        var end = m.First + m.Count;
        for (var g = m.First / cp; g * cp < end; g++)
        {
            var groupFirst = g * cp;
            // A group is the VMA's pages with this group number: the VMA's last group may be short.
            var groupEnd = Math.Min(groupFirst + cp, m.Vma.Pages);
            var whole = groupFirst >= m.First && groupEnd <= end;
            for (var i = groupFirst; whole && i < groupEnd; i++)
            {
                // A page of a unit that has its folio already is not the chunk rule's to place.
                whole = m.InFlight(i - m.First) && m.Destination[i - m.First] is null;
            }
            var chunk = whole ? device.Allocator.AllocBlock(groupEnd - groupFirst) : -1;
            var lo = Math.Max(groupFirst, m.First);
            var hi = Math.Min(groupEnd, end);
            for (var i = lo; i < hi; i++)
            {
                var k = i - m.First;
                if (!m.InFlight(k) || m.Destination[k] is not null)
                {
                    continue;
                }
                if (chunk < 0)
                {
                    m.Outcome[k] = MigrateReason.Alloc;
                }
                else
                {
                    m.Destination[k] = TakeDevicePage(m.Target, chunk + (i - groupFirst));
                }
            }
        }
    }

    private RefPage? TryNewDevicePage(int device)
    {
        var frame = _devices[device].Allocator.AllocLowest();
        return frame < 0 ? null : TakeDevicePage(device, frame);
    }

    /// <summary>Copies every page that has a destination and costs the submission with the copy-engine model.</summary>
    private CopyStats CopyAll(MigrationRun m)
    {
        var n = 0;
        for (long k = 0; k < m.Count; k++)
        {
            if (m.PageInFlight(k) && m.Destination[k] is not null)
            {
                n++;
            }
        }
        if (n == 0)
        {
            return default;
        }
        var src = m.SourceFrames.AsSpan(0, n);
        var dst = m.DestinationFrames.AsSpan(0, n);
        var j = 0;
        for (long k = 0; k < m.Count; k++)
        {
            if (m.PageInFlight(k) && m.Destination[k] is { } to)
            {
                var from = m.Source[k]!;
                CopyContent(from, to);
                src[j] = from.Frame;
                dst[j] = to.Frame;
                j++;
            }
        }
        if (!IsAscending(dst))
        {
            // Lowest-free allocation in address order gives ascending destinations; sort in case it ever does not.
            var order = new int[n];
            for (var x = 0; x < n; x++)
            {
                order[x] = x;
            }
            var keys = dst.ToArray();
            Array.Sort(keys, order);
            var from = src.ToArray();
            for (var x = 0; x < n; x++)
            {
                src[x] = from[order[x]];
                dst[x] = keys[x];
            }
        }
        // Params of the device involved: the target for RAM→device and device→device; for device→RAM the
        // device of the first copied page in address order (one submission, as the seed's single call).
        var paramsDevice = m.Target;
        for (long k = 0; paramsDevice < 0 && k < m.Count; k++)
        {
            if (m.PageInFlight(k) && m.Destination[k] is not null)
            {
                paramsDevice = m.Source[k]!.Device;
            }
        }
        var p = paramsDevice >= 0 ? _devices[paramsDevice].Config.Copy : CopyParams.Default;
        var cost = CopyModel.Cost(src, dst, p, m.EngineFree(p.Engines));
        return new CopyStats
        {
            Pages = n,
            Bytes = n * (long)PageGeometry.PageBytes,
            Batches = cost.Batches,
            DeviceTimeUs = cost.DeviceTimeUs,
        };
    }

    /// <summary>Migrate struct page: the file rule, then the injected failure; survivors hand their page-cache slot to the new page.</summary>
    private void MigrateStructPage(MigrationRun m)
    {
        var mainline = Config.Profile == SemanticsProfile.Mainline;
        // The seed refuses page-cache pages going to unaddressable memory; mainline's migrate_vma_pages, to any device memory.
        var refuseFile = mainline ? m.Target >= 0 : m.Target >= 0 && !_devices[m.Target].Config.Addressable;
        var fileReason = mainline ? MigrateReason.FileToDevice : MigrateReason.FileUnaddressable;
        for (long k = 0; k < m.Count; k++)
        {
            if (!m.PageInFlight(k) || m.Destination[k] is not { } dst)
            {
                continue;
            }
            var src = m.Source[k]!;
            if (refuseFile && src.Mapping!.IsFile)
            {
                m.Outcome[k] = fileReason;
            }
            else if (refuseFile && src.SwapSlot is { } swapSlot && (!mainline || swapSlot.Count > 0))
            {
                // A swap-cache page has a mapping too: the seed refuses it like a file page; mainline, only while
                // swap entries still use its slot (folio_free_swap fails).
                m.Outcome[k] = fileReason;
            }
            else if (Injected(m.Inject.MigratePageEvery, k))
            {
                m.Outcome[k] = MigrateReason.MigratePage;
            }
            else
            {
                if (refuseFile && src.SwapSlot is not null)
                {
                    // Mainline's folio_free_swap: the slot has no other user, so the page leaves the cache and goes.
                    LeaveSwapCache(src);
                }
                MoveMapping(src, dst);
            }
            // A failed page's destination was copied but is not used: the driver's finalize_and_map hands it back.
        }
    }

    /// <summary>
    /// The driver's finalize_and_map: the destination of every page that failed after allocation goes back where it
    /// came from (a race between the phases sees it still allocated until here). The driver's device page table (the
    /// mirror) maps the migrated pages after the helper returns (<see cref="MigrateCore"/>), once
    /// remove-migration-entries has made their PTEs final.
    /// </summary>
    private void FinalizeAndMap(MigrationRun m)
    {
        for (long k = 0; k < m.Count; k++)
        {
            if (m.Destination[k] is { } dst && m.Outcome[k] != MigrateReason.None)
            {
                m.Destination[k] = null;
                FreePage(dst);
            }
        }
    }

    /// <summary>
    /// Remove migration entries: every entry of a collected page, in every mapping, points at the new
    /// page (migrated) or back at the old one (failed, restored with its write bit); the helper's lock
    /// and reference go, a failed RAM page returns to the LRU, a migrated old page is freed.
    /// </summary>
    private void RemoveMigrationEntries(MigrationRun m)
    {
        for (long k = 0; k < m.Count; k++)
        {
            if (m.Source[k] is not { } page)
            {
                continue;
            }
            var migrated = m.Outcome[k] == MigrateReason.None;
            PutBack(page, migrated ? m.Destination[k]! : page);
        }
    }

    /// <summary>
    /// Every migration entry of <paramref name="page"/>, in every mapping, maps <paramref name="now"/> (the new page, or
    /// the page itself when restored, write bit kept); the helper's lock and reference go, a RAM page returns to the LRU.
    /// </summary>
    private void PutBack(RefPage page, RefPage now)
    {
        var vmas = page.Mapping!.Vmas;
        for (var n = 0; n < vmas.Count; n++)
        {
            var other = vmas[n];
            if (other.PageOf(page.Index) is var oi and >= 0)
            {
                ref var pte = ref other.Ptes[oi];
                if (pte.Kind == PteKind.Migration && ReferenceEquals(pte.Page, page))
                {
                    pte.Kind = now.Unaddressable ? PteKind.DevicePrivate : PteKind.Present;
                    pte.Page = now;
                    AddMap(now);
                }
            }
        }
        page.HelperLocked = false;
        if (now.Device < 0)
        {
            SetLru(now, true);
        }
        DropRef(page);
    }

    /// <summary>
    /// The seed's restore at the end of lock-and-isolate and of unmap: every page that failed there maps again
    /// (<see cref="PutBack"/>) and leaves the run, so the final pass no longer sees it.
    /// </summary>
    private void RestoreFailed(MigrationRun m)
    {
        var restored = false;
        for (long k = 0; k < m.Count; k++)
        {
            if (m.Source[k] is { } page && m.Outcome[k] != MigrateReason.None)
            {
                PutBack(page, page);
                m.Source[k] = null;
                restored = true;
            }
        }
        // The seed's restore is a page-table walk of its own.
        m.Costs.Walks += restored ? 1 : 0;
    }

    private static bool AnyInFlight(MigrationRun m)
    {
        for (long k = 0; k < m.Count; k++)
        {
            if (m.InFlight(k))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A present PTE or device entry becomes a migration entry (write bit kept); its rmap goes, the page stays referenced by the helper.</summary>
    private static void ToMigrationEntry(ref RefPte pte)
    {
        var page = pte.Page!;
        pte.Kind = PteKind.Migration;
        page.MapCount--;
        page.RefCount--;
    }

    private static bool Injected(int every, long k) => every > 0 && k % every == 0;

    private static bool IsAscending(Span<long> a)
    {
        for (var x = 1; x < a.Length; x++)
        {
            if (a[x] < a[x - 1])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Every huge PMD over the call's range is split into PTEs first, as v13 did; the compound page itself stays (no folio split).</summary>
    private static void SplitHugePmds(MigrationRun m)
    {
        for (var r = m.First / HugePages; r <= (m.First + m.Count - 1) / HugePages; r++)
        {
            m.Vma.HugePmd[r] = false;
        }
    }

    /// <summary>migrate_page's struct-page part: the new page takes the old one's mapping, index and page-cache slot.</summary>
    private void MoveMapping(RefPage src, RefPage dst)
    {
        dst.Mapping = src.Mapping;
        dst.Index = src.Index;
        if (src.Cached)
        {
            src.Mapping!.Cache![src.Index] = dst;
            dst.Cached = true;
            AddRef(dst);
            src.Cached = false;
            src.RefCount--;
        }
        if (src.SwapSlot is { } slot)
        {
            // folio_migrate_mapping of a swap-cache folio: the cache entry and its reference move to the new page.
            slot.Cache = dst;
            dst.SwapSlot = slot;
            AddRef(dst);
            src.SwapSlot = null;
            src.RefCount--;
        }
    }
}
