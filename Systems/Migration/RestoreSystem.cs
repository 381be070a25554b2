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
        var mm = s.Mm;
        var memory = mm.Memory;
        for (var slot = 0; slot < s.Count; slot++)
        {
            if (s.Outcome[slot] < MigrateReason.Pinned)
            {
                continue;
            }
            var id = (int)s.Src[slot].Pfn;
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
            chunk.SetEnabled<Migrate>(row, false);
            if (id < memory.RamPages)
            {
                page.Flags |= PageFlags.Lru;
            }
        }
    }
}
