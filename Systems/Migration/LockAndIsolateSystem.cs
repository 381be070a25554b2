using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 2 (<c>hmm_migrate_lock_and_isolate</c>): every page was locked at collect (the simulator
/// gives up a locked page instead of sleeping); a page with references beyond its mappings, the
/// helper's and the page cache's is pinned; isolation failures come only from injection; the rest
/// leave the LRU. Pages that failed here are restored at the end of the phase, as the seed's
/// hmm_migrate_lock_and_isolate does.
/// </summary>
internal sealed class LockAndIsolateSystem(World world) : MigratePhase(world, "lock-and-isolate")
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
        private readonly int _failEvery = s.Inject.IsolateEvery;
        private ref PartTally _tally = ref tally;

        public static Visitor Create(MigrateState s, ref PartTally tally) => new(s, ref tally);

        public readonly void Flush()
        {
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Visit(ref Page page, Chunk chunk, int row, int slot)
        {
            if (s.UnexpectedReferences(page, slot) > 0)
            {
                Fail(s, ref _tally, chunk, row, slot, MigrateReason.Pinned);
                return;
            }
            if (MigrateState.Injected(_failEvery, slot))
            {
                Fail(s, ref _tally, chunk, row, slot, MigrateReason.Isolate);
                return;
            }
            page.Flags &= ~PageFlags.Lru;
        }
    }
}
