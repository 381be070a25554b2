using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 3 (<c>try_to_unmap</c> with TTU_MIGRATION): every other mapping of a page (other processes
/// after fork), found through the reverse map, becomes a migration entry with its own bits; then the pin check again
/// (a racing pin through a mapping still live until now fails the page as <c>pinned</c>). Pages that failed
/// here are restored at the end of the phase, as the seed's unmap phase intends (its posted restore loop never ran).
/// </summary>
internal sealed class UnmapSystem(World world) : MigratePhase(world, "unmap")
{
    private readonly QueryDescription _query = MigratingQuery;
    private readonly MigratingPagesOnCores<Visitor> _pages = new();

    protected override void Run(MigrateState s)
    {
        _pages.Run(s, _query);
        if (s.PendingRestore > 0)
        {
            s.Costs.Walks++;
        }
        RestoreSystem.RestoreFailed(s);
    }

    private ref struct Visitor(MigrateState s, ref PartTally tally) : IPartVisitor<Visitor>
    {
        private readonly int _failEvery = s.Inject.UnmapEvery;
        private ref PartTally _tally = ref tally;
        // Counted here, added to the tally at Flush (a store per page to neighbouring tallies would share a cache line between cores).
        private long _invalidations;
        private long _flushes;

        public static Visitor Create(MigrateState s, ref PartTally tally) => new(s, ref tally);

        public void Flush()
        {
            _tally.Invalidations += _invalidations;
            _tally.UnmapFlushes += _flushes;
            _invalidations = 0;
            _flushes = 0;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Visit(ref Page page, Chunk chunk, int row, int slot)
        {
            if (MigrateState.Injected(_failEvery, slot))
            {
                Fail(s, ref _tally, chunk, row, slot, MigrateReason.Unmap);
                return;
            }
            if (page.Mapcount > 1)
            {
                Unmap(ref page);
            }
            // As the seed's unmap and mainline's migrate_device_unmap, the pin check again after try_to_unmap: a racing
            // get_user_pages through a mapping still live after lock and isolate is caught here.
            if (s.UnexpectedReferences(page, slot) > 0)
            {
                Fail(s, ref _tally, chunk, row, slot, MigrateReason.Pinned);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Unmap(ref Page page)
        {
            var mm = s.Mm;
            for (var g = page.RmapHead; g >= 0;)
            {
                ref var pte = ref mm.PteRef(g);
                if (pte.Kind is PteKind.Present or PteKind.DevicePrivate)
                {
                    // try_to_unmap_one: a notifier invalidation per mapping, a flush per present PTE.
                    _invalidations++;
                    _flushes += pte.Kind == PteKind.Present ? 1 : 0;
                    pte.Kind = PteKind.Migration;
                }
                g = pte.RmapNext;
            }
        }
    }
}
