using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// The restore of pages that failed after collect (the seed's restore walk): each migration entry of
/// the original page maps it again with its own write and soft-dirty bits, the helper's lock is
/// dropped and a RAM page goes back on the LRU. Content never left the page, so it is intact. As the
/// seed, a page is restored at the end of the phase that failed it: lock and isolate and unmap call
/// <see cref="RestoreFailed"/> themselves; this last member restores what failed in the driver's
/// allocate-and-copy and in migrate struct page (the seed's final remove_migration_pte pass).
/// </summary>
internal sealed class RestoreSystem(World world) : MigratePhase(world, "restore")
{
    protected override void Run(MigrateState s) => RestoreFailed(s);

    /// <summary>
    /// Restores every collected page that failed since the last restore (none: nothing is walked), and marks its
    /// <c>src</c> entry no longer valid, as the seed empties a restored slot (its pfn bits stay, so a small request
    /// still finds the page by them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RestoreFailed(MigrateState s)
    {
        if (s.PendingRestore == 0)
        {
            return;
        }
        s.PendingRestore = 0;
        var mm = s.Mm;
        var memory = mm.Memory;
        var src = s.Src;
        foreach (var slot in new SlotsWithReason(s.Outcome.AsSpan(0, s.Count)))
        {
            // A slot collect took is one it gave a valid src entry (it leaves the slots it gives up empty):
            // those with a reason gave up after collect and hold the helper's lock and migration entries,
            // until restored here. Its Migrate bit already went when it failed.
            if ((src[slot].Value & HmmPfn.Valid) == 0)
            {
                continue;
            }
            src[slot] = src[slot].Without(HmmPfn.Valid | HmmPfn.Migrate | HmmPfn.Locked);
            var id = (int)src[slot].Pfn;
            var chunk = memory.Locate(id, out var row);
            ref var page = ref chunk.GetSpan<Page>()[row];
            var kind = chunk.Has<Unaddressable>() ? PteKind.DevicePrivate : PteKind.Present;
            for (var g = page.RmapHead; g >= 0;)
            {
                ref var pte = ref mm.PteRef(g);
                if (pte.Kind == PteKind.Migration)
                {
                    pte.Kind = kind;
                }
                g = pte.RmapNext;
            }
            chunk.SetEnabled<Locked>(row, false);
            if (id < memory.RamPages)
            {
                page.Flags |= PageFlags.Lru;
            }
        }
    }
}
