using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
    // log2(Leaves): the depth of the leaves in the tree of counts.
    private static readonly int LeafLevel = BitOperations.Log2(Leaves);
    private readonly int[] _tree = new int[2 * Leaves];

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
        CountLeaves(occupied, wanted);
        foreach (var f in faulting)
        {
            // Climb from the leaf's node; remember the largest subtree over the threshold.
            var node = Leaves + f / LeafPages;
            var best = 0;
            for (var size = 2; size <= Leaves; size *= 2)
            {
                node >>= 1;
                if (_tree[node] * 100 > ThresholdPercent * size * LeafPages)
                {
                    best = node;
                }
            }
            if (best > 0)
            {
                FillSubtree(best, lo, hi, wanted);
            }
        }
    }

    /// <summary>
    /// Each leaf's pages occupied or wanted, 16 marks (one vector) at a time, into the tree of counts: node 1 the block,
    /// node <c>k</c>'s halves <c>2k</c> and <c>2k + 1</c>, the leaves <c>Leaves..2·Leaves-1</c>.
    /// </summary>
    private void CountLeaves(ReadOnlySpan<bool> occupied, ReadOnlySpan<bool> wanted)
    {
        // A bool is one byte holding 0 or 1: a leaf's count is the byte sum of the two marks or-ed (a leaf is one vector:
        // LeafPages is Vector128<byte>.Count, PrefetcherTests holds it).
        var occ = MemoryMarshal.AsBytes(occupied);
        var want = MemoryMarshal.AsBytes(wanted);
        for (var l = 0; l < Leaves; l++)
        {
            var marks = Vector128.Create(occ.Slice(l * LeafPages, LeafPages)) | Vector128.Create(want.Slice(l * LeafPages, LeafPages));
            _tree[Leaves + l] = Vector128.Sum(marks);
        }
        for (var k = Leaves - 1; k >= 1; k--)
        {
            _tree[k] = _tree[2 * k] + _tree[2 * k + 1];
        }
    }

    /// <summary>Prefetches the pages under <paramref name="node"/>: they count as occupied from now on, up to the root.</summary>
    private void FillSubtree(int node, int lo, int hi, Span<bool> wanted)
    {
        var level = BitOperations.Log2((uint)node);
        var leaves = Leaves >> level;
        var first = (node << (LeafLevel - level)) - Leaves;
        Fill(first * LeafPages, leaves * LeafPages, lo, hi, wanted);
        for (int from = node, count = 1, pages = leaves * LeafPages; count <= leaves; from *= 2, count *= 2, pages /= 2)
        {
            _tree.AsSpan(from, count).Fill(pages);
        }
        for (var k = node >> 1; k >= 1; k >>= 1)
        {
            _tree[k] = _tree[2 * k] + _tree[2 * k + 1];
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
