using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Devices.Frames;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 1 (<c>hmm_migrate_collect</c>): walks the request's PTEs in address order (they are
/// consecutive rows), gives up holes, swap entries, pages already on the target, immovable, compound
/// and locked pages, and for the rest takes the page lock, tags the page <c>Migrate</c> and installs
/// a migration entry that keeps the write and soft-dirty bits. Counts one TLB flush per PMD span in
/// which an entry (a present PTE or a device-private entry) was converted, as the seed's walker does.
/// </summary>
internal sealed class CollectSystem(World world) : MigratePhase(world, "collect")
{
    private readonly CollectOnCores _onCores = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Run(MigrateState s)
    {
        var mm = s.Mm;
        var memory = mm.Memory;
        CompoundUnits.Find(s);
        SplitHugePmds(s);
        // One walk, inside one notifier range that every mirror of the process receives (every profile).
        s.Costs.Walks++;
        s.Costs.Invalidations++;
        if (s.Mainline)
        {
            MainlineCollect.Run(s);
            return;
        }
        if (s.Mm.HelperThreads.ShareSlots(s))
        {
            _onCores.Run(s);
            return;
        }
        var cursor = new PageCursor(memory);
        var tally = new RangeTally { RecordSmall = true };
        CollectRange(s, 0, s.Count, ref cursor, ref tally);
        cursor.Flush();
        s.Collected += tally.Collected;
        s.SrcMigrating += tally.Collected;
        s.TlbFlushes += tally.Flushes;
    }

    /// <summary>What collecting a range of slots adds up.</summary>
    internal struct RangeTally
    {
        /// <summary>Record the first <see cref="MigrateState.SmallRequest"/> pages taken in the state's small lists (serial walk only).</summary>
        public bool RecordSmall;
        public int Collected;
        public long Flushes;
    }

    /// <summary>
    /// Collects slots <c>[from, to)</c> in address order through <paramref name="cursor"/>. A range that begins and ends on
    /// PMD boundaries (or the request's ends) counts its own flushes: no PMD span is shared with another range.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void CollectRange(MigrateState s, int from, int to, ref PageCursor cursor, ref RangeTally tally)
    {
        var mm = s.Mm;
        var memory = mm.Memory;
        var ptes = mm.Ptes;
        var g0 = s.Vma.FirstPte + s.Start;
        var lastFlush = -1L;
        var src = s.Src.AsSpan(0, s.Count);
        var outcome = s.Outcome.AsSpan(0, s.Count);
        var ramPages = memory.RamPages;
        var collected = tally.RecordSmall ? 0 : MigrateState.SmallRequest;
        var flushes = 0L;
        var i = from;
        while (i < to)
        {
            var g = g0 + i;
            var rowStart = ptes.RowOf(g);
            var span = ptes.ChunkAt(g).GetSpan<Pte>();
            var len = Math.Min(to - i, span.Length - rowStart);
            for (var k = 0; k < len; k++)
            {
                var slot = i + k;
                ref var pte = ref span[rowStart + k];
                switch (pte.Kind)
                {
                    case PteKind.None:
                        outcome[slot] = MigrateReason.Hole;
                        src[slot] = default;
                        continue;
                    case PteKind.Swap:
                        outcome[slot] = MigrateReason.Swap;
                        src[slot] = default;
                        continue;
                    case PteKind.Zero:
                        // The seed as intended resolves a present PTE with vm_normal_page, which has no page for the zero
                        // page: the entry is left as it is (as posted, pfn_to_page takes it for a page: v13-as-posted).
                        outcome[slot] = MigrateReason.ZeroPage;
                        src[slot] = default;
                        continue;
                    case PteKind.Migration:
                        // A racing call holds the page (the seed skips it as a swap entry, mainline as someone else's
                        // migration): given up as locked, the state it is in.
                        outcome[slot] = MigrateReason.Locked;
                        src[slot] = default;
                        continue;
                }
                var id = pte.Target;
                ref var page = ref cursor.At(id, out var row);
                var device = id < ramPages ? -1 : memory.DeviceOf(id);
                var reason = MigrateReason.None;
                if (device == s.Target)
                {
                    // Departs from the 2016 code, which has no target filter (it would collect, lock, unmap and flush the
                    // page, then restore it when the driver declines it): given up here, as mainline's selection does.
                    reason = MigrateReason.AlreadyOnTarget;
                }
                else if (pte.Kind == PteKind.DevicePrivate && !memory.Devices[device].Spec.Movable)
                {
                    // As the seed: MEMORY_MOVABLE is tested for unaddressable (device-private) entries only; an
                    // addressable device page is collected like a RAM page.
                    reason = MigrateReason.DeviceImmovable;
                }
                else if ((page.Flags & PageFlags.Compound) != 0)
                {
                    reason = MigrateReason.Compound;
                }
                else if (cursor.IsLocked(row))
                {
                    reason = MigrateReason.Locked;
                }
                if (reason != MigrateReason.None)
                {
                    outcome[slot] = reason;
                    src[slot] = default;
                    continue;
                }
                var flags = CollectedEntry.Flags(pte, device);
                // As the seed's hmm_collect_walk_pmd: a device-private entry that becomes a migration entry takes the
                // same pages++ path as a present PTE, and the PMD span is flushed whenever pages > 0.
                var region = PageGeometry.PmdOf(s.Start + slot);
                if (region != lastFlush)
                {
                    flushes++;
                    lastFlush = region;
                }
                CollectedEntry.Take(s, ref pte, ref cursor, row, id, slot, flags, src, outcome, ref collected);
            }
            i += len;
        }
        // A range that records no small list counts from SmallRequest up, so CollectedEntry.Take never writes the lists.
        tally.Collected += tally.RecordSmall ? collected : collected - MigrateState.SmallRequest;
        tally.Flushes += flushes;
    }

    /// <summary>Huge PMDs over the range are split into PTEs first, as v13 did; their pages then give up as <c>compound</c> (or already-on-target).</summary>
    private static void SplitHugePmds(MigrateState s)
    {
        var vma = s.Vma;
        if (vma.Huge is null)
        {
            return;
        }
        for (var region = PageGeometry.PmdOf(s.Start); region <= PageGeometry.PmdOf(s.End - 1); region++)
        {
            if (!vma.Huge[region].IsNull)
            {
                s.Mm.SplitHuge(vma, (int)region);
            }
        }
    }
}
