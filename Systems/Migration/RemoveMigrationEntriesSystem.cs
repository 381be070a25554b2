using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 7 (<c>remove_migration_pte</c>) for migrated pages: every migration entry of the old page,
/// found through its reverse map, maps the new page (a device-private entry for unaddressable memory,
/// a present PTE otherwise) with its own bits; the new page takes over the reverse map and counts,
/// is unlocked and (RAM) put on the LRU; the old page is freed (device pages through the driver's
/// free callback). The migration ends with the old pages' <c>Migrate</c> bits and helper locks
/// cleared: a mask word at a time as a small request's pages are visited (<see cref="TakenTagsClear"/>), in bulk over
/// the page chunks otherwise. A large request's pages are shared by the machine's cores (<see cref="MigratingParts"/>): every page's work touches its own rows, PTEs and
/// frame; the words two threads share (mask words, frame bitmap words, chunk counts) are stored atomically, and old
/// device pages go to the driver's free callback on the calling thread afterwards, in page order.
/// </summary>
internal sealed class RemoveMigrationEntriesSystem(World world) : MigratePhase(world, "remove-migration-entries")
{
    private readonly QueryDescription _query = MigratingQuery;
    private readonly MigratingPagesOnCores<Visitor> _pages = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Run(MigrateState s)
    {
        _pages.Run(s, _query, FreeDevicePages);
        if (s.Collected > MigrateState.SmallRequest)
        {
            // The pages still tagged are the migrated old pages: their helper lock goes, then their tag
            // (in this order: the query selects by the tag), 64 rows per word store.
            World.SetEnabled<Locked>(_query, false);
            World.SetEnabled<Migrate>(_query, false);
        }
    }

    /// <summary>Old device pages of a part on cores, to the driver's free callback on the calling thread.</summary>
    private static void FreeDevicePages(MigrateState s, List<int> ids)
    {
        var memory = s.Mm.Memory;
        foreach (var id in ids)
        {
            s.Mm.Drivers[memory.DeviceOf(id)].PageFree(id);
        }
    }

    /// <summary>
    /// The work per migrated page. On cores it runs beside other threads' visitors: its cursor and frame batch store shared
    /// words atomically, and old device pages are listed for the calling thread to free.
    /// </summary>
    private ref struct Visitor(MigrateState s, ref PartTally tally) : IPartVisitor<Visitor>
    {
        private ref PartTally _tally = ref tally;
        private readonly bool _clearTags = s.Collected <= MigrateState.SmallRequest;
        private readonly List<int>? _deviceFrees = tally.OnCores ? tally.Deferred : null;
        private readonly PhysicalMemory _memory = s.Mm.Memory;
        private readonly HmmPfn[] _src = s.Src;
        private readonly HmmPfn[] _dstEntries = s.Dst;
        private readonly int _ramPages = s.Mm.Memory.RamPages;
        private PageCursor _dst = new(s.Mm.Memory, tally.OnCores);
        private EntityCursor<Pte> _ptes = new(s.Mm.Ptes);
        private FrameReleaseBatch _ramFrames = new(s.Mm.Memory.Ram.Frames, tally.OnCores);
        private Chunk? _oldChunk;
        private Chunk? _kindChunk;
        private PteKind _newKind;
        private Span<PageContent> _oldContents;
        // A small request's old pages leave the migration: their tags, cleared a mask word at a time.
        private TakenTagsClear _tags;
        // Counted here and added to the tally at Flush: parts' tallies are neighbours in one array, and a store to one per
        // page from each thread would share a cache line between the cores.
        private long _migrated;

        public static Visitor Create(MigrateState s, ref PartTally tally) => new(s, ref tally);

        /// <summary>Stores the destination chunks' unlocked words and counts and the freed frames' words.</summary>
        public void Flush()
        {
            _tags.Flush();
            _dst.Flush();
            _ramFrames.Flush();
            _tally.Migrated += _migrated;
            _migrated = 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Visit(ref Page page, Chunk chunk, int row, int slot)
        {
            var dstEntry = _dstEntries[slot].Value;
            var newId = (int)(dstEntry >> HmmPfn.Shift);
            ref var dst = ref _dst.At(newId, out var newRow);
            if (_dst.Chunk != _kindChunk)
            {
                // As the seed's remove_migration_pte: the new entry's kind comes from the new page (unaddressable
                // ZONE_DEVICE memory gets a device entry), not from the driver's UNADDRESSABLE flag.
                _kindChunk = _dst.Chunk;
                _newKind = _kindChunk.Has<Unaddressable>() ? PteKind.DevicePrivate : PteKind.Present;
            }
            var kind = _newKind;
            for (var g = page.RmapHead; g >= 0;)
            {
                ref var pte = ref _ptes.At(g);
                pte.Kind = kind;
                pte.Target = newId;
                g = pte.RmapNext;
            }
            dst.RmapHead = page.RmapHead;
            dst.Mapcount = page.Mapcount;
            dst.Refcount = page.Mapcount + ((dst.Flags & (PageFlags.File | PageFlags.SwapCache)) != 0 ? 1 : 0);
            if (newId < _ramPages)
            {
                dst.Flags |= PageFlags.Lru;
            }
            _dst.Unlock(newRow);

            // The old page's last reference goes with its last mapping: the kernel drops its state here,
            // where its rows are at hand; RAM frames return to the allocator, device pages through the
            // driver's free callback.
            var oldId = (int)(_src[slot].Value >> HmmPfn.Shift);
            if (chunk != _oldChunk)
            {
                _oldChunk = chunk;
                _oldContents = chunk.GetSpan<PageContent>();
            }
            _memory.DropPage(oldId, ref page, ref _oldContents[row]);
            if (_clearTags)
            {
                _tags.Clear(chunk, row);
            }
            if (oldId < _ramPages)
            {
                _ramFrames.Add(oldId);
            }
            else if (_deviceFrees is not null)
            {
                _deviceFrees.Add(oldId);
            }
            else
            {
                s.Mm.Drivers[_memory.DeviceOf(oldId)].PageFree(oldId);
            }
            _migrated++;
        }
    }
}
