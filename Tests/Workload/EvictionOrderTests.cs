using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.Eviction;

namespace HmmEcs.Tests.Workload;

/// <summary>Each eviction policy's order of victims (docs/scenarios.md, "Workloads").</summary>
public class EvictionOrderTests
{
    private static int[] Victims(EvictionOrder order, int n)
    {
        var victims = new List<int>();
        while (victims.Count < n && order.TryTakeVictim(out var v))
        {
            victims.Add(v);
        }
        return [.. victims];
    }

    private static EvictionOrder Joined(EvictionPolicyKind kind, params int[] pages)
    {
        var order = new EvictionOrder(kind, 16, 3);
        foreach (var p in pages)
        {
            order.Join(p);
        }
        return order;
    }

    [Fact]
    public void LeastRecentlyMigratedIgnoresHits()
    {
        var order = Joined(EvictionPolicyKind.LeastRecentlyMigrated, 5, 1, 9);
        order.Hit(5);
        Assert.Equal([5, 1, 9], Victims(order, 3));
    }

    [Fact]
    public void LeastRecentlyUsedMovesAHitPageToTheBack()
    {
        var order = Joined(EvictionPolicyKind.LeastRecentlyUsed, 5, 1, 9);
        order.Hit(5);
        order.Hit(1);
        Assert.Equal([9, 5, 1], Victims(order, 3));
    }

    [Fact]
    public void LeastRecentlyFaultedMovesAPageThatLeftAndRejoinedToTheBack()
    {
        var order = Joined(EvictionPolicyKind.LeastRecentlyFaulted, 5, 1, 9);
        order.Hit(1);
        order.Leave(5);
        order.Join(5);
        Assert.Equal([1, 9, 5], Victims(order, 3));
    }

    [Fact]
    public void LeastFrequentlyUsedTakesTheFewestAccessesThenTheEarliestJoin()
    {
        var order = Joined(EvictionPolicyKind.LeastFrequentlyUsed, 5, 1, 9, 2);
        order.Hit(5);
        order.Hit(5);
        order.Hit(9);
        // 1 and 2 have no access (1 joined first), then 9 with one, then 5 with two.
        Assert.Equal([1, 2, 9, 5], Victims(order, 4));
        Assert.Empty(Victims(order, 1));
    }

    [Fact]
    public void APageThatLeftIsNoVictim()
    {
        foreach (var kind in new[] { EvictionPolicyKind.LeastRecentlyMigrated, EvictionPolicyKind.LeastFrequentlyUsed, EvictionPolicyKind.Random })
        {
            var order = Joined(kind, 5, 1, 9);
            order.Leave(1);
            Assert.Equal([5, 9], Victims(order, 3).Order());
        }
    }

    [Fact]
    public void RandomFollowsItsSeedAndTakesEachPageOnce()
    {
        var a = Victims(Joined(EvictionPolicyKind.Random, 0, 1, 2, 3, 4, 5, 6, 7), 8);
        Assert.Equal(a, Victims(Joined(EvictionPolicyKind.Random, 0, 1, 2, 3, 4, 5, 6, 7), 8));
        Assert.Equal(Enumerable.Range(0, 8), a.Order());
    }

    [Fact]
    public void TreePreEvictionTakesTheVictimsLeafAndAThinSubtree()
    {
        // One block: pages 0-15 and 24-511 joined in page order, 16-23 never; the head (0) is the victim.
        var order = new EvictionOrder(EvictionPolicyKind.TreePreEviction, 512, 3);
        for (var p = 0; p < 512; p++)
        {
            if (p is < 16 or >= 24)
            {
                order.Join(p);
            }
        }
        var victims = new int[1 + 512];
        var n = order.TakeVictims(1, victims);
        // Its leaf (0-15) goes whole; leaves 0-1 (pages 0-31) then hold 8 of 32, under half, so 24-31 go too; leaves
        // 0-3 hold 32 of 64, not under half.
        Assert.Equal([.. Enumerable.Range(0, 16), .. Enumerable.Range(24, 8)], victims[..n]);
        // The next victim is the least recently used page left, 32, and its leaf: leaves 0-3 now hold 16 of 64, so
        // leaves 0-7 (8 × 16 = 128 pages, 80 resident after the leaf, not under half) stop the climb at 4 leaves.
        n = order.TakeVictims(1, victims);
        Assert.Equal([.. Enumerable.Range(32, 32)], victims[..n]);
    }

    [Fact]
    public void TreePreEvictionFollowsTheVmaBlocksNotTheRange()
    {
        // A range starting at VMA page 500: range pages 0-11 are the end of a block, 12 on the next block.
        var order = new EvictionOrder(EvictionPolicyKind.TreePreEviction, 64, 3, first: 500);
        for (var p = 0; p < 64; p++)
        {
            order.Join(p);
        }
        var victims = new int[1 + 512];
        var n = order.TakeVictims(1, victims);
        // Victim 0 (VMA 500) is in the leaf of VMA 496-511: range pages 0-11; the subtrees above hold only those.
        Assert.Equal([.. Enumerable.Range(0, 12)], victims[..n]);
    }
}
