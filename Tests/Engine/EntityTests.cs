using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class EntityTests
{
    [Fact]
    public void CreatedEntitiesAreAliveAndCounted()
    {
        using var world = new World();
        var a = world.Create();
        var b = world.Create(new Health(3));
        Assert.True(world.IsAlive(a));
        Assert.True(world.IsAlive(b));
        Assert.NotEqual(a, b);
        Assert.Equal(2, world.Size);
        Assert.False(a.IsNull);
        Assert.True(Entity.Null.IsNull);
        Assert.False(world.IsAlive(Entity.Null));
    }

    [Fact]
    public void DestroyedHandleIsStaleAndNeverAliased()
    {
        using var world = new World();
        var a = world.Create(new Health(1));
        world.Destroy(a);
        Assert.False(world.IsAlive(a));
        Assert.Equal(0, world.Size);
        var ex = Assert.Throws<InvalidOperationException>(() => world.Get<Health>(a));
        Assert.Contains("stale", ex.Message);
        Assert.Throws<InvalidOperationException>(() => world.Set(a, new Health(2)));
        Assert.Throws<InvalidOperationException>(() => world.Destroy(a));

        var b = world.Create(new Health(7));
        Assert.Equal(a.Id, b.Id);
        Assert.NotEqual(a.Version, b.Version);
        Assert.False(world.IsAlive(a));
        Assert.True(world.IsAlive(b));
        Assert.Throws<InvalidOperationException>(() => world.Get<Health>(a));
        Assert.Equal(7, world.Get<Health>(b).Value);
    }

    [Fact]
    public void ForeignIdsAreRejected()
    {
        using var world = new World();
        world.Create();
        Assert.False(world.IsAlive(new Entity(5, 1)));
        Assert.False(world.IsAlive(new Entity(-1, 1)));
        Assert.Throws<InvalidOperationException>(() => world.Get<Health>(new Entity(5, 1)));
    }

    [Fact]
    public void BulkCreateFillsSpanWithDistinctLiveEntities()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var created = new Entity[300];
        world.Create(created, new Health(4), new Position(1, 2));
        Assert.Equal(300, world.Size);
        Assert.Equal(300, created.Distinct().Count());
        foreach (var e in created)
        {
            Assert.True(world.IsAlive(e));
            Assert.Equal(4, world.Get<Health>(e).Value);
            Assert.Equal(new Position(1, 2), world.Get<Position>(e));
        }
    }
}
