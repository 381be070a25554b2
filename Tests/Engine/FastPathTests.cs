using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

/// <summary>The fast paths of bulk create (reused then fresh ids) and of per-entity tag moves.</summary>
public class FastPathTests
{
    [Fact]
    public void BulkCreateTakesFreedIdsThenFreshOnesInChunkOrder()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var first = new Entity[100];
        world.Create(first.AsSpan(), new Health(1));
        world.Destroy(first[10]);
        world.Destroy(first[20]);
        var more = new Entity[70];
        world.Create(more.AsSpan(), new Health(2), new Position(3, 4));

        Assert.Equal(first[20].Id, more[0].Id);
        Assert.Equal(first[10].Id, more[1].Id);
        Assert.Equal(first[20].Version + 1, more[0].Version);
        for (var i = 2; i < more.Length; i++)
        {
            Assert.Equal(100 + i - 2, more[i].Id);
            Assert.Equal(1, more[i].Version);
        }
        for (var i = 0; i < more.Length; i++)
        {
            Assert.True(world.IsAlive(more[i]));
            var location = world.Locate(more[i]);
            Assert.Equal(i / 64, location.Chunk.Index);
            Assert.Equal(i % 64, location.Row);
            Assert.Equal(more[i], location.Chunk.Entities[location.Row]);
            Assert.Equal(new Health(2), world.Get<Health>(more[i]));
            Assert.Equal(new Position(3, 4), world.Get<Position>(more[i]));
        }
        Assert.Equal(168, world.Size);
    }

    [Fact]
    public void TagMovesKeepEveryValueAndLocation()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var entities = new Entity[150];
        for (var i = 0; i < entities.Length; i++)
        {
            entities[i] = world.Create(new Health(i), new Position(i, -i));
        }
        for (var i = 0; i < entities.Length; i += 3)
        {
            world.Add<Frozen>(entities[i]);
        }
        for (var i = 0; i < entities.Length; i += 6)
        {
            world.Remove<Frozen>(entities[i]);
        }
        for (var i = 0; i < entities.Length; i++)
        {
            var e = entities[i];
            Assert.Equal(new Health(i), world.Get<Health>(e));
            Assert.Equal(new Position(i, -i), world.Get<Position>(e));
            Assert.Equal(i % 3 == 0 && i % 6 != 0, world.Has<Frozen>(e));
            var location = world.Locate(e);
            Assert.Equal(e, location.Chunk.Entities[location.Row]);
        }
        // Rows past Count are cleared, so a later append starts from zeros.
        foreach (var chunk in world.Query(new QueryDescription().WithAll<Health>()))
        {
            var full = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref chunk.GetFirst<Health>(), chunk.Capacity);
            for (var r = chunk.Count; r < chunk.Capacity; r++)
            {
                Assert.Equal(default, full[r]);
            }
        }
    }
}
