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
        long flushes = 0;
        long lastFlushedSpan = -1;
        SplitHugePmds(m);
        for (long k = 0; k < m.Count; k++)
        {
            var i = m.First + k;
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
            if (page.Compound is not null && !TrySplitFolio(page))
            {
                m.Outcome[k] = MigrateReason.Compound;
                continue;
            }
            if (page.LockedByOther)
            {
                m.Outcome[k] = MigrateReason.Locked;
                continue;
            }
            if (present && !page.Mapping!.IsFile && page.MapCount == 1)
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
            if (present && i / HugePages != lastFlushedSpan)
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
            if (_ramPages[f] is { } p && ReferenceEquals(p.Compound, compound) && (p.Pins > 0 || p.LockedByOther))
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
        for (var f = head; f < head + HugePages; f++)
        {
            if (_ramPages[f] is { } p && ReferenceEquals(p.Compound, compound))
            {
                p.Compound = null;
            }
        }
        return true;
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
            page.Mapping = v.Mapping;
            page.Index = i + v.PgOff;
            ref var pte = ref v.Ptes[i];
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
