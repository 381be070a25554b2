using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class QueryTests
{
    [Fact]
    public void DescriptionsCompareByValue()
    {
        var a = new QueryDescription().WithAll<Position, Velocity>().WithNone<Frozen>();
        var b = new QueryDescription().WithNone<Frozen>().WithAll<Velocity>().WithAll<Position>();
        var c = new QueryDescription().WithAll<Position>().WithNone<Frozen, Velocity>();
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.NotEqual(new QueryDescription().WithAll<Position>(), new QueryDescription().WithAny<Position>());
        Assert.Equal(new QueryDescription(), default);
        using var world = new World();
        Assert.Same(world.Query(a), world.Query(b));
        Assert.NotSame(world.Query(a), world.Query(c));
    }

    [Fact]
    public void MatchesExactlyTheRightArchetypes()
    {
        using var world = new World();
        var p = world.Create(new Position(0, 0));
        var pv = world.Create(new Position(0, 0), new Velocity(0, 0));
        var pvf = world.Create(new Position(0, 0), new Velocity(0, 0), new Frozen());
        var v = world.Create(new Velocity(0, 0));
        var h = world.Create(new Health(0));
        Assert.Equal(Set(pv, pvf), Visit(world, new QueryDescription().WithAll<Position, Velocity>()));
        Assert.Equal(Set(pv), Visit(world, new QueryDescription().WithAll<Position, Velocity>().WithNone<Frozen>()));
        Assert.Equal(Set(p, pv, pvf, v), Visit(world, new QueryDescription().WithAny<Position, Velocity>()));
        Assert.Equal(Set(pv), Visit(world, new QueryDescription().WithExclusive<Position, Velocity>()));
        Assert.Equal(Set(p, pv, pvf, v, h), Visit(world, new QueryDescription()));
        Assert.Equal(Set(h), Visit(world, new QueryDescription().WithNone<Position, Velocity>()));
        Assert.Empty(Visit(world, new QueryDescription().WithAll<Name>()));
    }

    [Fact]
    public void SeesArchetypesCreatedAfterFirstUse()
    {
        using var world = new World();
        var q = new QueryDescription().WithAll<Health>().WithNone<Name>();
        var a = world.Create(new Health(1));
        Assert.Equal(Set(a), Visit(world, q));
        var b = world.Create(new Health(2), new Velocity(0, 0));
        var c = world.Create(new Health(3), new Name("x"));
        var d = world.Create(new Health(4), new Marked());
        Assert.Equal(Set(a, b, d), Visit(world, q));
        var never = new QueryDescription().WithAll<Locked>();
        Assert.Empty(Visit(world, never));
        var e = world.Create(new Locked());
        Assert.Equal(Set(e), Visit(world, never));
        Assert.True(world.IsAlive(c));
    }

    [Fact]
    public void StructuralChangeDuringIterationThrowsButBitFlipsDoNot()
    {
        using var world = new World();
        world.RegisterEnableable<Migrate>();
        var e = world.Create(new Health(1), new Migrate());
        var q = new QueryDescription().WithAll<Health>();
        foreach (var chunk in world.Query(q))
        {
            Assert.True(world.IsIterating);
            Assert.Throws<InvalidOperationException>(() => world.Create(new Health(2)));
            Assert.Throws<InvalidOperationException>(() => world.Destroy(e));
            Assert.Throws<InvalidOperationException>(() => world.Add(e, new Velocity(1, 1)));
            Assert.Throws<InvalidOperationException>(() => world.Remove<Health>(e));
            world.Remove<Migrate>(e);
            world.Add<Migrate>(e);
            chunk.SetEnabled<Migrate>(0, false);
        }
        Assert.False(world.IsIterating);
        foreach (var chunk in world.Query(q))
        {
            break;
        }
        Assert.False(world.IsIterating);
        world.Destroy(e);
        Assert.Equal(0, world.Size);
    }

    internal static HashSet<Entity> Set(params Entity[] entities)
    {
        return [.. entities];
    }

    internal static HashSet<Entity> Visit(World world, in QueryDescription q)
    {
        var seen = new HashSet<Entity>();
        foreach (var chunk in world.Query(q))
        {
            foreach (var e in chunk.Entities)
            {
                Assert.True(seen.Add(e));
            }
        }
        Assert.Equal(seen.Count, world.CountEntities(q));
        return seen;
    }
}
