using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
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

    private readonly struct Visitor(MigrateState s) : IMigratingPageVisitor
    {
        public void Visit(ref Page page, Chunk chunk, int row, int slot)
        {
            var mm = s.Mm;
            var memory = mm.Memory;
            var dstEntry = s.Dst[slot];
            var newId = (int)dstEntry.Pfn;
            var kind = (dstEntry.Value & HmmPfn.Unaddressable) != 0 ? PteKind.DevicePrivate : PteKind.Present;
            for (var g = page.RmapHead; g >= 0;)
            {
                ref var pte = ref mm.PteRef(g);
                pte.Kind = kind;
                pte.Target = newId;
                g = pte.RmapNext;
            }
            var newChunk = memory.Locate(newId, out var newRow);
            ref var dst = ref newChunk.GetSpan<Page>()[newRow];
            dst.RmapHead = page.RmapHead;
            dst.Mapcount = page.Mapcount;
            dst.Refcount = page.Mapcount + (dst.File >= 0 ? 1 : 0);
            if (newId < memory.RamPages)
            {
                dst.Flags |= PageFlags.Lru;
            }
            newChunk.SetEnabled<Locked>(newRow, false);

            var oldId = (int)s.Src[slot].Pfn;
            page.RmapHead = -1;
            page.Mapcount = 0;
            page.Refcount = 1;
            mm.PutPage(oldId);
            s.Migrated++;
        }
    }
}
