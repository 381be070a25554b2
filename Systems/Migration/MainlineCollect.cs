using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Devices.Frames;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Collect under the <c>mainline</c> profile (<c>migrate_vma_collect_pmd</c>, KERNEL.md §1.3): holes of an anonymous
/// VMA are collected when <c>system</c> is selected (src <c>MIGRATE</c> without <c>VALID</c>); a page is collected only
/// when the call selects its kind and, for a device page, its device's owner; a large folio is split first (a folio
/// with a pinned or locked subpage cannot be, and its pages give up as <c>compound</c>); an anon-exclusive present
/// page is cleared with a TLB flush of its own and, when pinned, put back (<c>pinned</c>). Flushes: one per
/// anon-exclusive page, plus one per PMD span in which a present PTE was converted (a device-private entry is not
/// present, so it adds none).
/// </summary>
internal static class MainlineCollect
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(MigrateState s)
    {
        var mm = s.Mm;
        var vma = s.Vma;
        var memory = mm.Memory;
        var ptes = mm.Ptes;
        var g0 = vma.FirstPte + s.Start;
        var select = s.Select;
        var holesSelected = vma.Kind == VmaKind.Anon && (select.Select & MigrateSelect.System) != 0;
        var lastFlush = -1L;
        var cursor = new PageCursor(memory);
        var src = s.Src.AsSpan(0, s.Count);
        var outcome = s.Outcome.AsSpan(0, s.Count);
        var ramPages = memory.RamPages;
        var collected = 0;
        var holes = 0;
        var flushes = 0L;
        var unit = 0;
        var unitEnd = -1;
        for (var slot = 0; slot < s.Count; slot++)
        {
            if (unit < s.Units && s.UnitSlot[unit] == slot)
            {
                unitEnd = slot + PageGeometry.PmdPages;
                unit++;
            }
            // A page of a unit taken whole: its folio is not split and its PMD had its one flush (CompoundUnits).
            var inUnit = slot < unitEnd;
            ref var pte = ref mm.PteRef(g0 + slot);
            switch (pte.Kind)
            {
                case PteKind.None:
                    // migrate_vma_collect_hole: MIGRATE without a pfn, for anonymous VMAs with SELECT_SYSTEM only.
                    src[slot] = holesSelected ? new HmmPfn(HmmPfn.Migrate) : default;
                    outcome[slot] = holesSelected ? MigrateReason.None : MigrateReason.Hole;
                    holes += holesSelected ? 1 : 0;
                    continue;
                case PteKind.Zero:
                    // is_zero_pfn with SELECT_SYSTEM: collected like a hole (MIGRATE, no pfn), the PTE left in place
                    // until migrate_vma_insert_page replaces it; without SELECT_SYSTEM the slot is 0.
                    var zeroSelected = (select.Select & MigrateSelect.System) != 0;
                    src[slot] = zeroSelected ? new HmmPfn(HmmPfn.Migrate) : default;
                    outcome[slot] = zeroSelected ? MigrateReason.None : MigrateReason.NotSelected;
                    holes += zeroSelected ? 1 : 0;
                    continue;
                case PteKind.Swap:
                    outcome[slot] = MigrateReason.Swap;
                    src[slot] = default;
                    continue;
            }
            var id = pte.Target;
            var device = id < ramPages ? -1 : memory.DeviceOf(id);
            var reason = Selected(s, pte.Kind, device) ? MigrateReason.None : MigrateReason.NotSelected;
            if (reason == MigrateReason.None && pte.Kind == PteKind.DevicePrivate && !memory.Devices[device].Spec.Movable)
            {
                // The simulator's movable:false device refuses, as under the seed's profile (mainline has no such flag).
                reason = MigrateReason.DeviceImmovable;
            }
            if (reason == MigrateReason.None && !inUnit && (mm.PageRef(id).Flags & PageFlags.Compound) != 0 && !FolioSplit.TrySplit(mm, id, PageGeometry.PmdOf(s.Start + slot)))
            {
                reason = MigrateReason.Compound;
            }
            ref var page = ref cursor.At(id, out var row);
            // fault_page is locked by the fault path that called the driver: collect does not trylock it again.
            if (reason == MigrateReason.None && cursor.IsLocked(row) && id != s.FaultPage)
            {
                reason = MigrateReason.Locked;
            }
            var present = pte.Kind == PteKind.Present;
            if (reason == MigrateReason.None && present && !inUnit && (page.Flags & PageFlags.Anon) != 0 && page.Mapcount == 1)
            {
                // Anon-exclusive (approximated: a private anonymous page mapped by this PTE alone): ptep_clear_flush,
                // then folio_try_share_anon_rmap_pte, which fails for a possibly pinned page: the PTE goes back.
                flushes++;
                if (page.Pins > 0)
                {
                    reason = MigrateReason.Pinned;
                }
            }
            if (reason != MigrateReason.None)
            {
                outcome[slot] = reason;
                src[slot] = default;
                continue;
            }
            var flags = CollectedEntry.Flags(pte, device);
            var region = PageGeometry.PmdOf(s.Start + slot);
            if (present && !inUnit && region != lastFlush)
            {
                flushes++;
                lastFlush = region;
            }
            CollectedEntry.Take(s, ref pte, ref cursor, row, id, slot, flags, src, outcome, ref collected);
        }
        cursor.Flush();
        s.Collected += collected;
        s.Holes = holes;
        s.SrcMigrating += collected + holes;
        s.TlbFlushes += flushes;
    }

    /// <summary>Whether the call's selection takes a page of this entry kind on <paramref name="device"/> (-1: RAM).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Selected(MigrateState s, PteKind kind, int device)
    {
        var select = s.Select;
        if (device < 0)
        {
            return (select.Select & MigrateSelect.System) != 0;
        }
        var wanted = kind == PteKind.DevicePrivate ? MigrateSelect.DevicePrivate : MigrateSelect.DeviceCoherent;
        return (select.Select & wanted) != 0 && select.OwnedBy(s.OwnerOfDevice[device]);
    }
}
