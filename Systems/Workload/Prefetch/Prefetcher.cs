using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Workload.Prefetch;

/// <summary>
/// Chooses the pages a block's helper call migrates beside its faulting ones. Works on one VA block at a time, over
/// a mark per page of the block: which pages are on the device or faulting (occupied), which are wanted.
/// </summary>
internal sealed class Prefetcher(PrefetchPolicyKind kind)
{
    /// <summary>Pages of a 64 KiB leaf.</summary>
    public const int LeafPages = 16;

    /// <summary>UVM's density threshold: a subtree more than this share occupied is filled (uvm_perf_prefetch_threshold, 51).</summary>
    public const int ThresholdPercent = 51;

    private const int Leaves = WorkloadRunner.BlockPages / LeafPages;
    private readonly int[] _leafCount = new int[Leaves];

    public PrefetchPolicyKind Kind { get; } = kind;

    /// <summary>
    /// Marks in <paramref name="wanted"/> (a block's pages, true = migrate) the pages to prefetch, given
    /// <paramref name="occupied"/> (on the device or faulting) and the faulting pages' offsets in the block
    /// <paramref name="faulting"/>; <paramref name="lo"/>..<paramref name="hi"/> is the offset range of the block inside the workload's
    /// range (<c>[lo, hi)</c>): nothing outside it is prefetched.
    /// </summary>
    public void Choose(ReadOnlySpan<bool> occupied, ReadOnlySpan<int> faulting, int lo, int hi, Span<bool> wanted)
    {
        if (Kind == PrefetchPolicyKind.None)
        {
            return;
        }
        foreach (var f in faulting)
        {
            Fill(f / LeafPages * LeafPages, LeafPages, lo, hi, wanted);
        }
        if (Kind != PrefetchPolicyKind.Tree)
        {
            return;
        }
        // Occupancy counts the leaves as filled now: what a leaf fill brings in weighs in the tree above it.
        for (var l = 0; l < Leaves; l++)
        {
            var n = 0;
            for (var p = l * LeafPages; p < (l + 1) * LeafPages; p++)
            {
                n += occupied[p] || wanted[p] ? 1 : 0;
            }
            _leafCount[l] = n;
        }
        foreach (var f in faulting)
        {
            // Climb from the leaf; remember the largest subtree over the threshold.
            var leaf = f / LeafPages;
            var bestStart = -1;
            var bestSize = 0;
            for (var size = 2; size <= Leaves; size *= 2)
            {
                var start = leaf / size * size;
                var n = 0;
                for (var l = start; l < start + size; l++)
                {
                    n += _leafCount[l];
                }
                if (n * 100 > ThresholdPercent * size * LeafPages)
                {
                    bestStart = start;
                    bestSize = size;
                }
            }
            if (bestSize > 0)
            {
                Fill(bestStart * LeafPages, bestSize * LeafPages, lo, hi, wanted);
                for (var l = bestStart; l < bestStart + bestSize; l++)
                {
                    _leafCount[l] = LeafPages;
                }
            }
        }
    }

    private static void Fill(int start, int length, int lo, int hi, Span<bool> wanted)
    {
        var from = Math.Max(start, lo);
        var to = Math.Min(start + length, hi);
        if (from < to)
        {
            wanted[from..to].Fill(true);
        }
    }
}
