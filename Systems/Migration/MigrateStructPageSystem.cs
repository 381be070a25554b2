using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Frames;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 5 (<c>hmm_migrate_struct_page</c>): refuses file and shmem pages going to unaddressable
/// memory, then injected failures; the rest hand their struct page state (anon/file, page-cache
/// slot) to the destination.
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
            if (MigrateState.Injected(_failEvery, slot))
            {
                Fail(s, chunk, row, slot, MigrateReason.MigratePage);
                return;
            }
            var dstId = (int)_dstEntries[slot].Pfn;
            ref var dst = ref _dst.At(dstId, out _);
            dst.Flags |= page.Flags & (PageFlags.Anon | PageFlags.File);
            if ((page.Flags & PageFlags.File) != 0)
            {
                s.Mm.MoveCachePage((int)s.Src[slot].Pfn, dstId);
            }
        }
    }
}
