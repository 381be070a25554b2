using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 1 (<c>hmm_migrate_collect</c>): walks the request's PTEs in address order (they are
/// consecutive rows), gives up holes, swap entries, pages already on the target, immovable, compound
/// and locked pages, and for the rest takes the page lock, tags the page <c>Migrate</c> and installs
/// a migration entry that keeps the write and soft-dirty bits. Counts one TLB flush per PMD span in
/// which a present PTE was converted.
/// </summary>
internal sealed class CollectSystem(World world) : MigratePhase(world, "collect")
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    protected override void Run(MigrateState s)
    {
        var mm = s.Mm;
        var vma = s.Vma;
        var memory = mm.Memory;
        SplitHugePmds(s);
        var ptes = mm.Ptes;
        var g0 = vma.FirstPte + s.Start;
        var lastFlush = -1L;
        var cursor = new Device.Memory.PageCursor(memory);
        var i = 0;
        while (i < s.Count)
        {
            var g = g0 + i;
            var rowStart = ptes.RowOf(g);
            var span = ptes.ChunkAt(g).GetSpan<Pte>();
            var len = Math.Min(s.Count - i, span.Length - rowStart);
            for (var k = 0; k < len; k++)
            {
                var slot = i + k;
                ref var pte = ref span[rowStart + k];
                switch (pte.Kind)
                {
                    case PteKind.None:
                        s.Outcome[slot] = MigrateReason.Hole;
                        continue;
                    case PteKind.Swap:
                        s.Outcome[slot] = MigrateReason.Swap;
                        continue;
                }
                var id = pte.Target;
                ref var page = ref cursor.At(id, out var row);
                var chunk = cursor.Chunk;
                var device = id < memory.RamPages ? -1 : memory.DeviceOf(id);
                var reason = MigrateReason.None;
                if (device == s.Target)
                {
                    reason = MigrateReason.AlreadyOnTarget;
                }
                else if (device >= 0 && !memory.Devices[device].Spec.Movable)
                {
                    reason = MigrateReason.DeviceImmovable;
                }
                else if ((page.Flags & PageFlags.Compound) != 0)
                {
                    reason = MigrateReason.Compound;
                }
                else if (chunk.IsEnabled<Locked>(row))
                {
                    reason = MigrateReason.Locked;
                }
                if (reason != MigrateReason.None)
                {
                    s.Outcome[slot] = reason;
                    continue;
                }
                var flags = HmmPfn.Migrate | HmmPfn.Locked;
                if (pte.Writable)
                {
                    flags |= HmmPfn.Write;
                }
                if (device >= 0)
                {
                    flags |= HmmPfn.Device;
                }
                if (pte.Kind == PteKind.DevicePrivate)
                {
                    flags |= HmmPfn.Unaddressable;
                }
                else
                {
                    var region = (s.Start + slot) >> 9;
                    if (region != lastFlush)
                    {
                        s.TlbFlushes++;
                        lastFlush = region;
                    }
                }
                s.Src[slot] = HmmPfn.From(id, flags);
                pte.Kind = PteKind.Migration;
                page.Slot = slot;
                chunk.SetEnabled<Migrate>(row, true);
                chunk.SetEnabled<Locked>(row, true);
                if (s.Collected < MigrateState.SmallRequest)
                {
                    s.SmallSlots[s.Collected] = slot;
                }
                s.Collected++;
            }
            i += len;
        }
    }

    /// <summary>Huge PMDs over the range are split into PTEs first, as v13 did; their pages then give up as <c>compound</c> (or already-on-target).</summary>
    private static void SplitHugePmds(MigrateState s)
    {
        var vma = s.Vma;
        if (vma.Huge is null)
        {
            return;
        }
        for (var region = s.Start >> 9; region <= (s.End - 1) >> 9; region++)
        {
            if (!vma.Huge[region].IsNull)
            {
                s.Mm.SplitHuge(vma, (int)region);
            }
        }
    }
}
