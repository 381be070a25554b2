using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Mainline's <c>MIGRATE_VMA_SELECT_COMPOUND</c> (6.19, <c>migrate_vma_collect_huge_pmd</c>, KERNEL.md §1.14): a
/// PMD-sized region that the range covers whole and that holds a THP (a present huge PMD), a device-private folio (a
/// PMD-level device-private entry) or nothing at all in an anonymous VMA is one unit. Collect takes its 512 pages
/// together (one TLB flush for a present PMD, the kernel's <c>pmdp_invalidate</c>); the driver gives it one PMD-sized
/// destination folio when it can; a unit that moved whole is mapped by one huge PMD again, and any other's source
/// folio is split (<c>migrate_vma_split_unmapped_folio</c>).
/// </summary>
internal static class CompoundUnits
{
    /// <summary>Finds the call's units, before collect splits the huge PMDs over its range into PTEs.</summary>
    public static void Find(MigrateState s)
    {
        if (!s.Mainline || (s.Select.Select & MigrateSelect.Compound) == 0)
        {
            return;
        }
        var mm = s.Mm;
        var vma = s.Vma;
        var pmd = PageGeometry.PmdPages;
        var holes = vma.Kind == VmaKind.Anon && (s.Select.Select & MigrateSelect.System) != 0;
        for (var r = (s.Start + pmd - 1) / pmd; (r + 1) * pmd <= s.End; r++)
        {
            var slot = (int)(r * pmd - s.Start);
            if (vma.HasHuge(r * pmd))
            {
                var head = mm.HugeRef(vma, r).Head;
                if (Movable(s, head))
                {
                    s.AddUnit(slot, head);
                    // set_pmd_migration_entry's pmdp_invalidate flushes a present PMD; a device-private PMD entry needs none.
                    s.TlbFlushes += mm.IsDevicePrivate(head) ? 0 : 1;
                }
            }
            // A region of two protections is two kernel VMAs, neither of which the region's PMD span fits.
            else if (holes && vma.RegionUniform(r) && AllNone(s, slot))
            {
                s.AddUnit(slot, -1);
            }
        }
    }

    /// <summary>
    /// Whether the folio at <paramref name="head"/> moves whole: its kind and owner are selected, and it is mapped by this
    /// PMD alone with no subpage pinned or locked by another holder. Departure: the kernel also moves a THP shared by fork
    /// whole (try_to_migrate converts every PMD); the simulator leaves such a folio to the split path.
    /// </summary>
    private static bool Movable(MigrateState s, int head)
    {
        var mm = s.Mm;
        var memory = mm.Memory;
        var device = memory.DeviceOf(head);
        if (device < 0)
        {
            if ((s.Select.Select & MigrateSelect.System) == 0)
            {
                return false;
            }
        }
        else
        {
            var wanted = mm.IsDevicePrivate(head) ? MigrateSelect.DevicePrivate : MigrateSelect.DeviceCoherent;
            if ((s.Select.Select & wanted) == 0 || !s.Select.OwnedBy(s.OwnerOfDevice[device]) || !memory.Devices[device].Spec.Movable)
            {
                return false;
            }
        }
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            ref var page = ref mm.PageRef(head + k);
            if (page.Mapcount != 1 || page.Pins > 0 || (page.Flags & PageFlags.LockedByOther) != 0)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether the 512 PTEs of the unit at <paramref name="slot"/> still map one folio's subpages in order.</summary>
    private static bool MapsFolioInOrder(MigrateState s, int slot)
    {
        var g0 = s.Vma.FirstPte + s.Start + slot;
        var head = s.Mm.PteRef(g0).Target;
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            ref var pte = ref s.Mm.PteRef(g0 + k);
            if ((pte.Kind != PteKind.Present && pte.Kind != PteKind.DevicePrivate) || pte.Target != head + k)
            {
                return false;
            }
        }
        return true;
    }

    private static bool AllNone(MigrateState s, int slot)
    {
        var g0 = s.Vma.FirstPte + s.Start + slot;
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            if (s.Mm.PteRef(g0 + k).Kind != PteKind.None)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// After the call: a unit whose 512 pages all moved into one destination folio is mapped by one huge PMD
    /// (<c>migrate_vma_insert_huge_pmd_page</c>, <c>remove_migration_pmd</c>); any other unit's source folio is split, its
    /// pages staying where they are or moved as base pages.
    /// </summary>
    public static void Finish(MigrateState s)
    {
        var mm = s.Mm;
        for (var u = 0; u < s.Units; u++)
        {
            var s0 = s.UnitSlot[u];
            var whole = s.UnitFolio[u] && s.DriverCalled;
            for (var k = 0; k < PageGeometry.PmdPages && whole; k++)
            {
                whole = s.Outcome[s0 + k] == MigrateReason.None;
            }
            if (whole && !MapsFolioInOrder(s, s0))
            {
                // Departs from the kernel, which maps the unit by its PMD in migrate_vma_pages: here the PMD comes after the
                // call, so a racing fault that brought some of its pages back in the meantime leaves the unit as base pages.
                whole = false;
            }
            if (whole)
            {
                mm.CollapseHuge(s.Vma, (int)PageGeometry.PmdOf(s.Start + s0));
                continue;
            }
            var source = s.UnitSource[u];
            for (var k = 0; source >= 0 && k < PageGeometry.PmdPages; k++)
            {
                // Pages that moved were freed (and read as free); the ones restored lose the folio.
                mm.PageRef(source + k).Flags &= ~PageFlags.Compound;
            }
        }
    }
}
