using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class ComponentTests
{
    [Fact]
    public void GetIsByReference()
    {
        using var world = new World();
        var e = world.Create(new Position(1, 2), new Velocity(3, 4));
        world.Get<Position>(e).X = 10;
        Assert.Equal(new Position(10, 2), world.Get<Position>(e));
        world.Set(e, new Velocity(5, 6));
        Assert.Equal(new Velocity(5, 6), world.Get<Velocity>(e));
    }

    [Fact]
    public void AddAndRemoveMoveTheEntityKeepingItsData()
    {
        using var world = new World();
        var e = world.Create(new Position(1, 2), new Name("n"));
        var other = world.Create(new Position(9, 9), new Name("o"));
        world.Add(e, new Velocity(7, 8));
        Assert.True(world.Has<Velocity>(e));
        Assert.Equal(new Position(1, 2), world.Get<Position>(e));
        Assert.Equal("n", world.Get<Name>(e).Text);
        Assert.Equal(new Velocity(7, 8), world.Get<Velocity>(e));
        world.Add<Frozen>(e);
        Assert.True(world.Has<Frozen>(e));
        world.Remove<Position>(e);
        Assert.False(world.Has<Position>(e));
        Assert.Throws<InvalidOperationException>(() => world.Get<Position>(e));
        Assert.Equal(new Velocity(7, 8), world.Get<Velocity>(e));
        Assert.Equal("n", world.Get<Name>(e).Text);
        Assert.True(world.Has<Frozen>(e));
        world.Remove<Frozen>(e);
        Assert.False(world.Has<Frozen>(e));
        // The entity left behind by the swap in its old chunk keeps its data.
        Assert.Equal(new Position(9, 9), world.Get<Position>(other));
        Assert.Equal("o", world.Get<Name>(other).Text);
    }

    [Fact]
    public void AddOfPresentComponentOverwritesAndRemoveOfAbsentIsNoOp()
    {
        using var world = new World();
        var e = world.Create(new Health(1));
        var archetypes = world.ArchetypeCount;
        world.Add(e, new Health(2));
        Assert.Equal(2, world.Get<Health>(e).Value);
        world.Remove<Velocity>(e);
        Assert.True(world.IsAlive(e));
        Assert.Equal(archetypes, world.ArchetypeCount);
    }

    [Fact]
    public void TagsHaveNoColumn()
    {
        using var world = new World();
        var e = world.Create(new Health(1), new Frozen());
        Assert.True(world.TypeOf<Frozen>().IsTag);
        Assert.False(world.TypeOf<Health>().IsTag);
        var chunk = world.Locate(e).Chunk;
        Assert.True(chunk.Has<Frozen>());
        Assert.Throws<InvalidOperationException>(() => chunk.GetSpan<Frozen>().Length);
        Assert.Single(chunk._columns);
    }

    [Fact]
    public void DestroyKeepsOtherEntitiesData()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var list = new List<Entity>();
        for (var i = 0; i < 200; i++)
        {
            list.Add(world.Create(new Health(i), new Name($"e{i}")));
        }
        for (var i = 0; i < 200; i += 3)
        {
            world.Destroy(list[i]);
        }
        for (var i = 0; i < 200; i++)
        {
            if (i % 3 == 0)
            {
                Assert.False(world.IsAlive(list[i]));
            }
            else
            {
                Assert.Equal(i, world.Get<Health>(list[i]).Value);
                Assert.Equal($"e{i}", world.Get<Name>(list[i]).Text);
                var at = world.Locate(list[i]);
                Assert.Equal(list[i], at.Chunk.Entities[at.Row]);
            }
        }
    }

    [Fact]
    public void WorldsAreIndependent()
    {
        using var a = new World();
        using var b = new World();
        b.Create(new Velocity(1, 1));
        var ea = a.Create(new Health(1));
        var eb = b.Create(new Health(2));
        Assert.Equal(0, a.TypeOf<Health>().Id);
        Assert.Equal(1, b.TypeOf<Health>().Id);
        Assert.Equal(1, a.Get<Health>(ea).Value);
        Assert.Equal(2, b.Get<Health>(eb).Value);
        a.RegisterEnableable<Migrate>();
        b.Create(new Migrate());
        Assert.True(a.TypeOf<Migrate>().IsEnableable);
        Assert.False(b.TypeOf<Migrate>().IsEnableable);
    }
}
