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

    protected override void Run(MigrateState s)
    {
        var visitor = new Visitor(s);
        MigratingPages.ForEach(s, _query, ref visitor);
        if (s.PendingRestore > 0)
        {
            s.Costs.Walks++;
        }
        RestoreSystem.RestoreFailed(s);
    }

    private readonly struct Visitor(MigrateState s) : IMigratingPageVisitor
    {
        private readonly int _failEvery = s.Inject.IsolateEvery;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Visit(ref Page page, Chunk chunk, int row, int slot)
        {
            var extra = page.Refcount - page.Mapcount - ((page.Flags & (PageFlags.File | PageFlags.SwapCache)) != 0 ? 1 : 0);
            if (s.FaultPage >= 0 && (int)s.Src[slot].Pfn == s.FaultPage)
            {
                // migrate_vma_check_page: the fault path's reference on fault_page is expected.
                extra--;
            }
            if (extra > 0)
            {
                Fail(s, chunk, row, slot, MigrateReason.Pinned);
                return;
            }
            if (MigrateState.Injected(_failEvery, slot))
            {
                Fail(s, chunk, row, slot, MigrateReason.Isolate);
                return;
            }
            page.Flags &= ~PageFlags.Lru;
        }
    }
}
