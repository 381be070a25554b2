using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class BulkTests
{
    private static (World World, Entity[] Entities) NewWorld(int count)
    {
        var world = new World(new WorldOptions { ChunkCapacity = 64 });
        world.RegisterEnableable<Migrate>();
        var entities = new Entity[count];
        world.Create(entities, new Health(0), new Migrate());
        for (var i = 0; i < count; i++)
        {
            world.Get<Health>(entities[i]).Value = i;
            // Chunk 0: all on; chunk 1: all off; chunk 2+: every third on.
            world.SetEnabled<Migrate>(entities[i], i < 64 || (i >= 128 && i % 3 == 0));
        }
        return (world, entities);
    }

    [Fact]
    public void BulkTagAddRelabelsWholeChunksInPlace()
    {
        var (world, entities) = NewWorld(200);
        using var _ = world;
        var chunksBefore = entities.Select(e => world.Locate(e)).ToArray();
        world.Add<Frozen>(new QueryDescription().WithAll<Health>());
        for (var i = 0; i < entities.Length; i++)
        {
            var at = world.Locate(entities[i]);
            Assert.Same(chunksBefore[i].Chunk, at.Chunk);
            Assert.Equal(chunksBefore[i].Row, at.Row);
            Assert.True(world.Has<Frozen>(entities[i]));
            Assert.Equal(i, world.Get<Health>(entities[i]).Value);
        }
        Assert.Equal(0, world.Locate(entities[0]).Chunk.Archetype.ChunkCount - 4);
        world.Remove<Frozen>(new QueryDescription().WithAll<Frozen>());
        for (var i = 0; i < entities.Length; i++)
        {
            Assert.Same(chunksBefore[i].Chunk, world.Locate(entities[i]).Chunk);
            Assert.False(world.Has<Frozen>(entities[i]));
            Assert.Equal(i < 64 || (i >= 128 && i % 3 == 0), world.Has<Migrate>(entities[i]));
        }
        WorldModel.AssertBookkeeping(world);
    }

    [Fact]
    public void BulkChangesEqualPerEntityChanges()
    {
        var (bulk, a) = NewWorld(300);
        var (single, b) = NewWorld(300);
        using var _ = bulk;
        using var __ = single;
        var migrating = new QueryDescription().WithAll<Health, Migrate>();
        var selected = a.Where((e, i) => bulk.Has<Migrate>(e)).Select(e => e.Id).ToHashSet();

        bulk.Add<Frozen>(migrating);
        bulk.Add<Velocity>(new QueryDescription().WithAll<Frozen>());
        bulk.SetEnabled<Migrate>(new QueryDescription().WithAll<Velocity>(), false);
        bulk.Remove<Frozen>(new QueryDescription().WithAll<Frozen>().WithNone<Migrate>());
        bulk.Destroy(new QueryDescription().WithAll<Velocity>().WithNone<Frozen>().WithAny<Health>());

        var snapshot = b.ToArray();
        foreach (var e in snapshot.Where(e => selected.Contains(e.Id)))
        {
            single.Add<Frozen>(e);
            single.Add<Velocity>(e);
            single.SetEnabled<Migrate>(e, false);
            single.Remove<Frozen>(e);
            single.Destroy(e);
        }

        Assert.Equal(single.Size, bulk.Size);
        Assert.Equal(selected.Count, 300 - bulk.Size);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i]);
            Assert.Equal(single.IsAlive(b[i]), bulk.IsAlive(a[i]));
            if (bulk.IsAlive(a[i]))
            {
                Assert.Equal(single.Get<Health>(b[i]), bulk.Get<Health>(a[i]));
                Assert.Equal(single.Has<Migrate>(b[i]), bulk.Has<Migrate>(a[i]));
                Assert.Equal(single.Has<Frozen>(b[i]), bulk.Has<Frozen>(a[i]));
                Assert.Equal(single.Has<Velocity>(b[i]), bulk.Has<Velocity>(a[i]));
            }
        }
        WorldModel.AssertBookkeeping(bulk);
    }

    [Fact]
    public void BulkAddOfDataComponentMovesRowsWithDefaultValue()
    {
        var (world, entities) = NewWorld(150);
        using var _ = world;
        world.Add<Velocity>(new QueryDescription().WithAll<Migrate>());
        for (var i = 0; i < entities.Length; i++)
        {
            var migrating = i < 64 || (i >= 128 && i % 3 == 0);
            Assert.Equal(migrating, world.Has<Velocity>(entities[i]));
            if (migrating)
            {
                Assert.Equal(default, world.Get<Velocity>(entities[i]));
                world.Set(entities[i], new Velocity(i, i));
            }
            Assert.Equal(i, world.Get<Health>(entities[i]).Value);
        }
        world.Remove<Velocity>(new QueryDescription().WithAll<Velocity>());
        world.Add<Velocity>(new QueryDescription().WithAll<Health>());
        foreach (var e in entities)
        {
            Assert.Equal(default, world.Get<Velocity>(e));
        }
        WorldModel.AssertBookkeeping(world);
    }

    [Fact]
    public void BulkDestroyBumpsVersions()
    {
        var (world, entities) = NewWorld(200);
        using var _ = world;
        world.Destroy(new QueryDescription().WithAll<Migrate>());
        var survivors = entities.Where(world.IsAlive).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Where(i => !(i < 64 || (i >= 128 && i % 3 == 0))), survivors.Select(e => world.Get<Health>(e).Value).Order());
        var fresh = new Entity[200 - survivors.Count];
        world.Create(fresh, new Health(-1));
        foreach (var e in entities.Except(survivors))
        {
            Assert.False(world.IsAlive(e));
            Assert.Throws<InvalidOperationException>(() => world.Get<Health>(e));
        }
        foreach (var e in survivors)
        {
            Assert.False(world.Has<Migrate>(e));
            Assert.Equal(e.Id, world.Get<Health>(e).Value);
        }
        WorldModel.AssertBookkeeping(world);
    }

    [Fact]
    public void BulkStructuralChangeDuringIterationThrows()
    {
        var (world, _) = NewWorld(10);
        using var __ = world;
        foreach (var chunk in world.Query(new QueryDescription()))
        {
            Assert.Throws<InvalidOperationException>(() => world.Add<Frozen>(new QueryDescription()));
            Assert.Throws<InvalidOperationException>(() => world.Destroy(new QueryDescription()));
            world.SetEnabled<Migrate>(new QueryDescription(), true);
        }
        Assert.Equal(10, world.CountEntities(new QueryDescription().WithAll<Migrate>()));
    }
}
