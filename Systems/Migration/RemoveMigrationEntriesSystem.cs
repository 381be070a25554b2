using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Device.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 7 (<c>remove_migration_pte</c>) for migrated pages: every migration entry of the old page,
/// found through its reverse map, maps the new page (a device-private entry for unaddressable memory,
/// a present PTE otherwise) with its own bits; the new page takes over the reverse map and counts,
/// is unlocked and (RAM) put on the LRU; the old page is freed (device pages through the driver's
/// free callback). Then the <c>Migrate</c> bits are cleared in bulk.
/// </summary>
internal sealed class RemoveMigrationEntriesSystem(World world) : MigratePhase(world, "remove-migration-entries")
{
    private readonly QueryDescription _query = MigratingQuery;

    protected override void Run(MigrateState s)
    {
        var visitor = new Visitor(s);
        MigratingPages.ForEach(s, _query, ref visitor);
        if (s.Collected > MigrateState.SmallRequest)
        {
            // Engine gap: World.SetEnabled<T>(query, on) is not there yet; clear per chunk with word stores.
            foreach (var chunk in World.Query(_query))
            {
                if (chunk.EnabledCount<Migrate>() != 0)
                {
                    chunk.SetAllEnabled<Migrate>(false);
                }
            }
        }
    }

    private ref struct Visitor(MigrateState s) : IMigratingPageVisitor
    {
        private PageCursor _dst = new(s.Mm.Memory);
        private EntityCursor<Pte> _ptes = new(s.Mm.Ptes);

        public void Visit(ref Page page, Chunk chunk, int row, int slot)
        {
            var memory = s.Mm.Memory;
            var dstEntry = s.Dst[slot];
            var newId = (int)dstEntry.Pfn;
            var kind = (dstEntry.Value & HmmPfn.Unaddressable) != 0 ? PteKind.DevicePrivate : PteKind.Present;
            for (var g = page.RmapHead; g >= 0;)
            {
                ref var pte = ref _ptes.At(g);
                pte.Kind = kind;
                pte.Target = newId;
                g = pte.RmapNext;
            }
            ref var dst = ref _dst.At(newId, out var newRow);
            dst.RmapHead = page.RmapHead;
            dst.Mapcount = page.Mapcount;
            dst.Refcount = page.Mapcount + (dst.Cache >= 0 ? 1 : 0);
            if (newId < memory.RamPages)
            {
                dst.Flags |= PageFlags.Lru;
            }
            _dst.Chunk.SetEnabled<Locked>(newRow, false);

            // The old page's last reference goes with its last mapping: RAM frames return to the
            // allocator, device pages through the driver's free callback.
            var oldId = (int)s.Src[slot].Pfn;
            if (oldId < memory.RamPages)
            {
                memory.ReleaseFrame(oldId, chunk, row, ref page);
            }
            else
            {
                s.Mm.Drivers[memory.DeviceOf(oldId)].PageFree(oldId, chunk, row, ref page);
            }
            s.Migrated++;
        }
    }
}
