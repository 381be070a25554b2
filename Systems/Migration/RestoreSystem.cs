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
/// dropped and a RAM page goes back on the LRU. Content never left the page, so it is intact.
/// </summary>
internal sealed class RestoreSystem(World world) : MigratePhase(world, "restore")
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Run(MigrateState s)
    {
        if (s.Collected == 0)
        {
            return;
        }
        var mm = s.Mm;
        var memory = mm.Memory;
        var src = s.Src;
        foreach (var slot in new SlotsWithReason(s.Outcome.AsSpan(0, s.Count)))
        {
            // A slot collect took is one it gave a valid src entry (it leaves the slots it gives up empty):
            // those with a reason gave up after collect and hold the helper's lock and migration entries.
            // Its Migrate bit already went when it failed.
            if ((src[slot].Value & HmmPfn.Valid) == 0)
            {
                continue;
            }
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
