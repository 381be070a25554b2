using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Frames;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 5 (<c>hmm_migrate_struct_page</c>): refuses file, shmem and swap-cache pages going to unaddressable
/// memory, then injected failures; the rest hand their struct page state (anon/file, page-cache
/// slot, swap-cache slot) to the destination.
/// </summary>
internal sealed class MigrateStructPageSystem(World world) : MigratePhase(world, "migrate-struct-page")
{
    private readonly QueryDescription _query = MigratingQuery;

    protected override void Run(MigrateState s)
    {
        // The seed's migrate_struct_page and remove_migration_pte each walk the page table again once the driver ran.
        s.Costs.Walks += s.DriverCalled ? 2 : 0;
        var visitor = new Visitor(s);
        MigratingPages.ForEach(s, _query, ref visitor);
        if (s.Holes > 0)
        {
            HoleInsertion.Insert(s);
        }
    }

    private ref struct Visitor(MigrateState s) : IMigratingPageVisitor
    {
        private PageCursor _dst = new(s.Mm.Memory);
        private readonly HmmPfn[] _dstEntries = s.Dst;
        // The seed refuses page-cache pages going to unaddressable memory; mainline's migrate_vma_pages, to any device memory.
        private readonly bool _refuseFile = s.Mainline ? s.Target >= 0 : s.TargetUnaddressable;
        private readonly MigrateReason _fileReason = s.Mainline ? MigrateReason.FileToDevice : MigrateReason.FileUnaddressable;
        private readonly int _failEvery = s.Inject.MigratePageEvery;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Visit(ref Page page, Chunk chunk, int row, int slot)
        {
            if ((page.Flags & PageFlags.File) != 0 && _refuseFile)
            {
                Fail(s, chunk, row, slot, _fileReason);
                return;
            }
            var srcId = (int)s.Src[slot].Pfn;
            var swapCache = (page.Flags & PageFlags.SwapCache) != 0 && _refuseFile;
            if (swapCache && (!s.Mainline || s.Mm.SwapShared(srcId)))
            {
                // A swap-cache page has a mapping too: the seed refuses it like a file page; mainline, only while
                // swap entries still use its slot (folio_free_swap fails).
                Fail(s, chunk, row, slot, _fileReason);
                return;
            }
            if (MigrateState.Injected(_failEvery, slot))
            {
                Fail(s, chunk, row, slot, MigrateReason.MigratePage);
                return;
            }
            if (swapCache)
            {
                // Mainline's folio_free_swap: the slot has no other user, so the page leaves the cache and goes.
                s.Mm.DeleteFromSwapCache(srcId);
            }
            var dstId = (int)_dstEntries[slot].Pfn;
            ref var dst = ref _dst.At(dstId, out _);
            dst.Flags |= page.Flags & (PageFlags.Anon | PageFlags.File | PageFlags.SwapCache);
            if ((page.Flags & PageFlags.File) != 0)
            {
                s.Mm.MoveCachePage(srcId, dstId);
            }
            if ((page.Flags & PageFlags.SwapCache) != 0)
            {
                // folio_migrate_mapping of a swap-cache folio: the cache entry moves to the new page (its reference
                // is recounted when the entries are removed).
                s.Mm.MoveSwapCachePage(srcId, dstId);
            }
        }
    }
}
