using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload;
using HmmEcs.Systems.Workload.Prefetch;

namespace HmmEcs.Tests.Workload;

/// <summary>
/// The tree prefetcher (leaf counts by vector, subtree counts from a tree of counts) chooses what the plain rule chooses: each
/// faulting page's leaf, then the largest subtree above it more than 51% occupied, counting what earlier fills brought.
/// </summary>
public sealed class PrefetcherTests
{
    private const int Pages = WorkloadRunner.BlockPages;
    private const int Leaf = Prefetcher.LeafPages;

    /// <summary>The rule written plainly: every count taken page by page, every subtree summed leaf by leaf.</summary>
    private static void PlainTree(bool[] occupied, int[] faulting, int lo, int hi, bool[] wanted)
    {
        void Fill(int start, int length)
        {
            for (var p = Math.Max(start, lo); p < Math.Min(start + length, hi); p++)
            {
                wanted[p] = true;
            }
        }
        foreach (var f in faulting)
        {
            Fill(f / Leaf * Leaf, Leaf);
        }
        var leaves = new int[Pages / Leaf];
        for (var p = 0; p < Pages; p++)
        {
            leaves[p / Leaf] += occupied[p] || wanted[p] ? 1 : 0;
        }
        foreach (var f in faulting)
        {
            var (bestStart, bestSize) = (-1, 0);
            for (var size = 2; size <= leaves.Length; size *= 2)
            {
                var start = f / Leaf / size * size;
                if (leaves.Skip(start).Take(size).Sum() * 100 > Prefetcher.ThresholdPercent * size * Leaf)
                {
                    (bestStart, bestSize) = (start, size);
                }
            }
            if (bestSize > 0)
            {
                Fill(bestStart * Leaf, bestSize * Leaf);
                Array.Fill(leaves, Leaf, bestStart, bestSize);
            }
        }
    }

    [Fact]
    public void ALeafIsOneVectorOfMarks() =>
        // CountLeaves sums a leaf's 16 one-byte marks as one vector (and a byte sum holds 16).
        Assert.Equal(Leaf, System.Runtime.Intrinsics.Vector128<byte>.Count);

    [Fact]
    public void TreeChoosesWhatThePlainRuleChooses()
    {
        var r = new Random(5);
        var prefetcher = new Prefetcher(PrefetchPolicyKind.Tree);
        var filledSomething = 0;
        for (var round = 0; round < 2000; round++)
        {
            // Occupancy from sparse to dense, so subtrees cross the threshold at every level.
            var density = r.NextDouble();
            var occupied = Enumerable.Range(0, Pages).Select(_ => r.NextDouble() < density).ToArray();
            var faulting = Enumerable.Range(0, r.Next(1, 8)).Select(_ => r.Next(Pages)).Where(p => !occupied[p]).Distinct().Order().ToArray();
            var lo = r.Next(4) == 0 ? r.Next(Pages / 2) : 0;
            var hi = r.Next(4) == 0 ? r.Next(Pages / 2, Pages + 1) : Pages;
            var expected = new bool[Pages];
            PlainTree(occupied, faulting, lo, hi, expected);
            var wanted = new bool[Pages];
            prefetcher.Choose(occupied, faulting, lo, hi, wanted);
            Assert.Equal(expected, wanted);
            filledSomething += expected.Count(w => w) > faulting.Length * Leaf ? 1 : 0;
        }
        // The rounds reach past the faulting leaves (a subtree filled) often enough to test the climb.
        Assert.True(filledSomething > 200, $"only {filledSomething} rounds filled a subtree");
    }
}
