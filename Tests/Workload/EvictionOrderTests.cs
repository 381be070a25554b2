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
}
