using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class LayoutTests
{
    [Fact]
    public void SequentialCreationFillsChunksInOrder()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 128 });
        var created = new List<Entity>();
        for (var i = 0; i < 300; i++)
        {
            created.Add(world.Create(new Health(i)));
        }
        var bulk = new Entity[300];
        world.Create(bulk, new Health(-1));
        created.AddRange(bulk);
        for (var i = 0; i < created.Count; i++)
        {
            var at = world.Locate(created[i]);
            Assert.Equal(i / 128, at.Chunk.Index);
            Assert.Equal(i % 128, at.Row);
        }
        var archetype = world.Locate(created[0]).Chunk.Archetype;
        Assert.Equal(5, archetype.ChunkCount);
        Assert.Equal(600, archetype.EntityCount);
    }

    [Fact]
    public void ChunkCapacityMustBePowerOfTwoMultipleOf64()
    {
        Assert.Throws<ArgumentException>(() => new World(new WorldOptions { ChunkCapacity = 100 }));
        Assert.Throws<ArgumentException>(() => new World(new WorldOptions { ChunkCapacity = 32 }));
        Assert.Equal(256, new World(new WorldOptions { ChunkCapacity = 256 }).ChunkCapacity);
        Assert.Equal(4096, new World().ChunkCapacity);
    }

    [Fact]
    public void LocateGivesDirectColumnAccess()
    {
        using var world = new World();
        var e = world.Create(new Position(3, 4));
        var at = world.Locate(e);
        at.Chunk.GetSpan<Position>()[at.Row].X = 30;
        Assert.Equal(30, world.Get<Position>(e).X);
    }
}
