using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>
/// The <c>mainline</c> profile's collect and hole insertion (KERNEL.md §1.3, §1.6), written plainly: the rest of the
/// helper is the seed's loops with holes in flight beside the pages.
/// </summary>
public sealed partial class ReferenceMachine
{
    /// <summary>
    /// migrate_vma_collect: anonymous holes when <c>system</c> is selected; a page only when its kind and owner are
    /// selected; large folios split first; an anon-exclusive present page flushed on its own and put back when pinned.
    /// Returns the TLB flushes: one per anon-exclusive page, one per PMD span with a converted present PTE.
    /// </summary>
    private long CollectMainline(MigrationRun m)
    {
        var v = m.Vma;
        var select = m.Select;
        var holesSelected = v.Kind == VmaKind.Anon && (select.Select & MigrateSelect.System) != 0;
        long flushes = FindUnits(m);
        long lastFlushedSpan = -1;
        SplitHugePmds(m);
        var unit = 0;
        long unitEnd = -1;
        for (long k = 0; k < m.Count; k++)
        {
            var i = m.First + k;
            if (unit < m.Units.Count && m.Units[unit].Slot == k)
            {
                unitEnd = k + HugePages;
                unit++;
            }
            // A page of a unit taken whole: no folio split, no flush of its own (its PMD had one).
            var inUnit = k < unitEnd;
            ref var pte = ref v.Ptes[i];
            if (pte.Kind == PteKind.None)
            {
                if (holesSelected)
                {
                    m.Hole[k] = true;
                }
                else
                {
                    m.Outcome[k] = MigrateReason.Hole;
                }
                continue;
            }
            if (pte.Kind == PteKind.Swap)
            {
                m.Outcome[k] = MigrateReason.Swap;
                continue;
            }
            if (pte.Kind == PteKind.Zero)
            {
                // The zero page is collected like a hole under SELECT_SYSTEM (left mapped until insertion), else slot 0.
                if ((select.Select & MigrateSelect.System) != 0)
                {
                    m.Hole[k] = true;
                }
                else
                {
                    m.Outcome[k] = MigrateReason.NotSelected;
                }
                continue;
            }
            if (pte.Kind == PteKind.Migration)
            {
                // Another call's migration entry (a race): slot 0 without waiting, reported as the lock it stands for.
                m.Outcome[k] = MigrateReason.Locked;
                continue;
            }
            var page = pte.Page!;
            var present = pte.Kind == PteKind.Present;
            bool selected;
            if (page.Device < 0)
            {
                selected = (select.Select & MigrateSelect.System) != 0;
            }
            else
            {
                var kind = present ? MigrateSelect.DeviceCoherent : MigrateSelect.DevicePrivate;
                selected = (select.Select & kind) != 0 && select.OwnedBy(OwnerIds[page.Device]);
            }
            if (!selected)
            {
                m.Outcome[k] = MigrateReason.NotSelected;
                continue;
            }
            if (!present && !_devices[page.Device].Config.Movable)
            {
                m.Outcome[k] = MigrateReason.DeviceImmovable;
                continue;
            }
            if (!inUnit && page.Compound is not null && !TrySplitFolio(page))
            {
                m.Outcome[k] = MigrateReason.Compound;
                continue;
            }
            // The page lock: held by another holder, or by a fault path other than this call's (fault_page is locked by
            // the fault that called the driver, and collect does not trylock it again).
            if (page.LockedByOther || (page.HelperLocked && !ReferenceEquals(page, _faultPage)))
            {
                m.Outcome[k] = MigrateReason.Locked;
                continue;
            }
            if (present && !inUnit && !page.Mapping!.IsFile && page.MapCount == 1)
            {
                // Anon-exclusive: cleared with a flush of its own; a pinned one cannot be shared and is put back.
                flushes++;
                if (page.Pins > 0)
                {
                    m.Outcome[k] = MigrateReason.Pinned;
                    continue;
                }
            }
            page.HelperLocked = true;
            AddRef(page);
            m.Source[k] = page;
            if (present && !inUnit && i / HugePages != lastFlushedSpan)
            {
                lastFlushedSpan = i / HugePages;
                flushes++;
            }
            ToMigrationEntry(ref pte);
        }
        return flushes;
    }

    /// <summary>
    /// split_folio: the compound page of <paramref name="page"/> becomes 512 ordinary pages, unless a subpage is pinned or
    /// locked by another holder; every huge PMD still mapping it (other processes after fork) is split first.
    /// </summary>
    private bool TrySplitFolio(RefPage page)
    {
        var compound = page.Compound!;
        var head = compound.HeadFrame;
        for (var f = head; f < head + HugePages; f++)
        {
            if (FramePage(page.Device, f) is { } p && ReferenceEquals(p.Compound, compound) && (p.Pins > 0 || p.LockedByOther))
            {
                return false;
            }
        }
        foreach (var other in page.Mapping!.Vmas)
        {
            var oi = other.PageOf(page.Index);
            if (oi >= 0 && other.HugePmd[oi / HugePages] && ReferenceEquals(other.Ptes[oi].Page, page))
            {
                other.HugePmd[oi / HugePages] = false;
            }
        }
        SplitFolio(page.Device, compound);
        return true;
    }

    /// <summary>The page object of frame <paramref name="frame"/> of RAM (<paramref name="device"/> -1) or of a device.</summary>
    private RefPage? FramePage(int device, long frame) => device < 0 ? _ramPages[frame] : _devices[device].Pages[frame];

    /// <summary>The subpages of <paramref name="compound"/> become ordinary pages.</summary>
    private void SplitFolio(int device, RefCompound compound)
    {
        for (var f = compound.HeadFrame; f < compound.HeadFrame + HugePages; f++)
        {
            if (FramePage(device, f) is { } p && ReferenceEquals(p.Compound, compound))
            {
                p.Compound = null;
            }
        }
    }

    /// <summary>
    /// MIGRATE_VMA_SELECT_COMPOUND (6.19): a PMD region the range covers whole that holds a THP or a device-private
    /// folio mapped by this PMD alone (no subpage pinned or locked by another holder, kind and owner selected), or
    /// nothing at all in an anonymous VMA with system selected, is one unit. Returns the flushes: one per present PMD.
    /// A THP shared by fork is left to the split path (the kernel would move it whole).
    /// </summary>
    private long FindUnits(MigrationRun m)
    {
        var v = m.Vma;
        var select = m.Select.Select;
        if ((select & MigrateSelect.Compound) == 0)
        {
            return 0;
        }
        var holes = v.Kind == VmaKind.Anon && (select & MigrateSelect.System) != 0;
        long flushes = 0;
        for (var r = (m.First + HugePages - 1) / HugePages; (r + 1) * HugePages <= m.First + m.Count; r++)
        {
            var slot = r * HugePages - m.First;
            if (v.HugePmd[r])
            {
                var head = v.Ptes[r * HugePages].Page!;
                if (FolioMovesWhole(m, v, r))
                {
                    m.Units.Add((slot, head, false, head.Compound));
                    flushes += head.Unaddressable ? 0 : 1;
                }
                continue;
            }
            // An empty region of one protection: two protections are two kernel VMAs, and the walk clips the region to each.
            var empty = holes;
            for (var i = r * HugePages; i < (r + 1) * HugePages && empty; i++)
            {
                empty = v.Ptes[i].Kind == PteKind.None && v.Prot[i] == v.Prot[r * HugePages];
            }
            if (empty)
            {
                m.Units.Add((slot, null, false, null));
            }
        }
        return flushes;
    }

    private bool FolioMovesWhole(MigrationRun m, RefVma v, long r)
    {
        var head = v.Ptes[r * HugePages].Page!;
        var select = m.Select;
        bool selected;
        if (head.Device < 0)
        {
            selected = (select.Select & MigrateSelect.System) != 0;
        }
        else
        {
            var kind = head.Unaddressable ? MigrateSelect.DevicePrivate : MigrateSelect.DeviceCoherent;
            selected = (select.Select & kind) != 0 && select.OwnedBy(OwnerIds[head.Device]) && _devices[head.Device].Config.Movable;
        }
        for (var i = r * HugePages; i < (r + 1) * HugePages && selected; i++)
        {
            var p = v.Ptes[i].Page!;
            selected = p.MapCount == 1 && p.Pins == 0 && !p.LockedByOther;
        }
        return selected;
    }

    /// <summary>
    /// The driver's PMD-sized destinations: each unit whose 512 slots are all in flight takes the lowest free 512-aligned
    /// run of the target (one folio), before any base page is handed out; a unit without one falls back to base pages.
    /// </summary>
    private void AllocFolios(MigrationRun m)
    {
        for (var u = 0; u < m.Units.Count; u++)
        {
            var (slot, source, _, sourceFolio) = m.Units[u];
            var whole = true;
            for (var k = slot; k < slot + HugePages && whole; k++)
            {
                whole = m.InFlight(k);
            }
            var first = !whole ? -1 : m.Target < 0 ? _ram.AllocAlignedRun(HugePages) : _devices[m.Target].Allocator.AllocAlignedRun(HugePages);
            if (first < 0)
            {
                continue;
            }
            m.Units[u] = (slot, source, true, sourceFolio);
            for (var j = 0; j < HugePages; j++)
            {
                m.Destination[slot + j] = m.Target < 0 ? TakeRamFrame(first + j) : TakeDevicePage(m.Target, first + j);
            }
        }
    }

    /// <summary>
    /// After the call: a unit whose 512 pages all moved into one folio is mapped by one huge PMD again; any other unit's
    /// source folio is split.
    /// </summary>
    private void FinishUnits(MigrationRun m)
    {
        var v = m.Vma;
        foreach (var (slot, source, folio, sourceFolio) in m.Units)
        {
            var whole = folio;
            for (var k = slot; k < slot + HugePages && whole; k++)
            {
                whole = m.Outcome[k] == MigrateReason.None;
            }
            // A racing fault that brought some of the unit's pages back before the PMD is formed leaves it as base pages.
            var first = v.Ptes[m.First + slot].Page;
            for (var i = m.First + slot; i < m.First + slot + HugePages && whole; i++)
            {
                var pte = v.Ptes[i];
                whole = pte.Kind is PteKind.Present or PteKind.DevicePrivate && pte.Page is { } p && p.Device == first!.Device
                    && p.Frame == first.Frame + (i - m.First - slot);
            }
            if (whole)
            {
                var i0 = m.First + slot;
                var compound = new RefCompound(v.Ptes[i0].Page!.Frame);
                for (var i = i0; i < i0 + HugePages; i++)
                {
                    v.Ptes[i].Page!.Compound = compound;
                }
                v.HugePmd[i0 / HugePages] = true;
            }
            else if (source is not null && sourceFolio is not null)
            {
                // The head may have migrated and been freed (its Compound cleared): the rest of the folio is split all the same.
                SplitFolio(source.Device, sourceFolio);
            }
        }
    }

    /// <summary>
    /// migrate_vma_insert_page: each hole still in flight maps its zero-filled destination (a device-private entry for
    /// unaddressable memory, a present PTE otherwise), writable iff the VMA is. Returns how many; a zero-page PTE it
    /// replaces adds a TLB flush to <paramref name="flushes"/> (ptep_clear_flush).
    /// </summary>
    private long InsertHoles(MigrationRun m, ref long flushes)
    {
        var v = m.Vma;
        long inserted = 0;
        for (long k = 0; k < m.Count; k++)
        {
            if (!m.Hole[k] || !m.InFlight(k) || m.Destination[k] is not { } page)
            {
                continue;
            }
            var i = m.First + k;
            ref var pte = ref v.Ptes[i];
            if (pte.Kind != PteKind.None && pte.Kind != PteKind.Zero)
            {
                // A racing fault or call filled the hole first: the insertion backs off; finalize hands the driver's page back.
                m.Outcome[k] = MigrateReason.MigratePage;
                continue;
            }
            page.Mapping = v.Mapping;
            page.Index = i + v.PgOff;
            flushes += pte.Kind == PteKind.Zero ? 1 : 0;
            pte.Kind = page.Unaddressable ? PteKind.DevicePrivate : PteKind.Present;
            pte.Write = v.WritableAt(i);
            pte.Page = page;
            AddMap(page);
            if (page.Device < 0)
            {
                SetLru(page, true);
            }
            inserted++;
        }
        return inserted;
    }
}
