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
    private readonly MigratingPagesOnCores<Visitor> _pages = new();

    protected override void Run(MigrateState s)
    {
        // The seed's migrate_struct_page and remove_migration_pte each walk the page table again once the driver ran.
        s.Costs.Walks += s.DriverCalled ? 2 : 0;
        _pages.Run(s, _query, VisitCachePages);
        if (s.Holes > 0)
        {
            HoleInsertion.Insert(s);
        }
    }

    /// <summary>A part's page-cache and swap-cache pages (slots), visited on the calling thread: the caches are the kernel's, no part's.</summary>
    private static void VisitCachePages(MigrateState s, List<int> slots)
    {
        var tally = new PartTally();
        var visitor = new Visitor(s, ref tally);
        foreach (var slot in slots)
        {
            var chunk = s.Mm.Memory.Locate((int)s.Src[slot].Pfn, out var row);
            visitor.Visit(ref chunk.GetSpan<Page>()[row], chunk, row, slot);
        }
        visitor.Flush();
    }

    private ref struct Visitor(MigrateState s, ref PartTally tally) : IPartVisitor<Visitor>
    {
        private ref PartTally _tally = ref tally;
        private PageCursor _dst = new(s.Mm.Memory);
        private readonly HmmPfn[] _dstEntries = s.Dst;
        // The seed refuses page-cache pages going to unaddressable memory; mainline's migrate_vma_pages, to any device memory.
        private readonly bool _refuseFile = s.Mainline ? s.Target >= 0 : s.TargetUnaddressable;
        private readonly MigrateReason _fileReason = s.Mainline ? MigrateReason.FileToDevice : MigrateReason.FileUnaddressable;
        private readonly int _failEvery = s.Inject.MigratePageEvery;

        public static Visitor Create(MigrateState s, ref PartTally tally) => new(s, ref tally);

        /// <summary>Nothing is gathered: the destination pages' flags are written in place.</summary>
        public readonly void Flush()
        {
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Visit(ref Page page, Chunk chunk, int row, int slot)
        {
            if (_tally.OnCores && (page.Flags & (PageFlags.File | PageFlags.SwapCache)) != 0)
            {
                _tally.Deferred!.Add(slot);
                return;
            }
            if ((page.Flags & PageFlags.File) != 0 && _refuseFile)
            {
                Fail(s, ref _tally, chunk, row, slot, _fileReason);
                return;
            }
            var srcId = (int)s.Src[slot].Pfn;
            var swapCache = (page.Flags & PageFlags.SwapCache) != 0 && _refuseFile;
            if (swapCache && (!s.Mainline || s.Mm.SwapShared(srcId)))
            {
                // A swap-cache page has a mapping too: the seed refuses it like a file page; mainline, only while
                // swap entries still use its slot (folio_free_swap fails).
                Fail(s, ref _tally, chunk, row, slot, _fileReason);
                return;
            }
            if (MigrateState.Injected(_failEvery, slot))
            {
                Fail(s, ref _tally, chunk, row, slot, MigrateReason.MigratePage);
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
