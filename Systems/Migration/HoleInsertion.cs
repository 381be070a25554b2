using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Mainline's holes after collect (<c>migrate_vma_insert_page</c>, KERNEL.md §1.6): a hole slot is one with no
/// outcome and a src entry without <c>VALID</c>. The driver gives it a zero-filled destination; migrate_vma_pages maps
/// that page into the page table: a device-private entry for unaddressable memory, a present PTE otherwise, writable
/// iff the VMA is. Holes take no lock, no isolation and no unmap, and no injection reaches them.
/// </summary>
internal static class HoleInsertion
{
    /// <summary>Holes whose MIGRATE the driver cleared (no destination) give up with <c>alloc</c>.</summary>
    public static void FailUnallocated(MigrateState s)
    {
        var src = s.Src;
        var outcome = s.Outcome;
        for (var slot = 0; slot < s.Count; slot++)
        {
            if (outcome[slot] == MigrateReason.None && (src[slot].Value & (HmmPfn.Valid | HmmPfn.Migrate)) == 0)
            {
                outcome[slot] = MigrateReason.Alloc;
                s.Holes--;
            }
        }
    }

    /// <summary>Maps each hole's destination page at its address; counts it migrated and inserted.</summary>
    public static void Insert(MigrateState s)
    {
        var mm = s.Mm;
        var memory = mm.Memory;
        var src = s.Src;
        var dst = s.Dst;
        var outcome = s.Outcome;
        var g0 = s.Vma.FirstPte + s.Start;
        for (var slot = 0; slot < s.Count; slot++)
        {
            if (outcome[slot] != MigrateReason.None || (src[slot].Value & (HmmPfn.Valid | HmmPfn.Migrate)) != HmmPfn.Migrate)
            {
                continue;
            }
            var found = mm.PteRef(g0 + slot).Kind;
            if ((found != PteKind.None && found != PteKind.Zero) || s.Vma.HasHuge(s.Start + slot))
            {
                // migrate_vma_insert_page backs off when the PTE is neither none nor the zero page, or a huge PMD maps the
                // span (a racing fault or call filled the hole): MIGRATE cleared, so finalize hands the destination back.
                outcome[slot] = MigrateReason.MigratePage;
                src[slot] = src[slot].Without(HmmPfn.Migrate);
                s.Holes--;
                s.SrcMigrating--;
                continue;
            }
            var id = (int)dst[slot].Pfn;
            var chunk = memory.Locate(id, out var row);
            ref var page = ref chunk.GetSpan<Page>()[row];
            page.Flags |= PageFlags.Anon | (id < memory.RamPages ? PageFlags.Lru : 0);
            chunk.SetEnabled<Locked>(row, false);
            var unaddressable = chunk.Has<Unaddressable>();
            // A device-private entry is writable iff the VMA is; a present PTE also dirty (x86 sets soft-dirty with it).
            var bits = !s.Vma.WritableAt(s.Start + slot) ? PteBits.None : unaddressable ? PteBits.Write : PteBits.Write | PteBits.SoftDirty;
            if (mm.PteRef(g0 + slot).Kind == PteKind.Zero)
            {
                // A zero-page PTE is replaced with ptep_clear_flush: a TLB flush of its own (it holds no reference).
                s.TlbFlushes++;
            }
            mm.MapPte(g0 + slot, id, unaddressable ? PteKind.DevicePrivate : PteKind.Present, bits);
            s.Migrated++;
            s.HolesInserted++;
        }
    }
}
