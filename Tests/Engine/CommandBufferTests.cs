using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class CommandBufferTests
{
    private struct Record : IForEachWithEntity<Health>
    {
        public CommandBuffer Buffer;

        public void Update(Entity e, ref Health h)
        {
            var buffer = Buffer;
            Script(e, h.Value, (x, f) => buffer.Add(x, f), (x, v) => buffer.Set(x, v), buffer.Remove<Position>, buffer.Destroy, (v, p) => buffer.Create(v, p));
        }
    }

    /// <summary>The same changes, whether recorded or applied directly.</summary>
    private static void Script(Entity e, int value, Action<Entity, Frozen> addFrozen, Action<Entity, Health> set, Action<Entity> removePosition, Action<Entity> destroy, Func<Health, Position, Entity> create)
    {
        if (value % 2 == 0)
        {
            addFrozen(e, default);
        }
        if (value % 3 == 0)
        {
            removePosition(e);
        }
        set(e, new Health(value * 10));
        if (value % 5 == 0)
        {
            destroy(e);
        }
        if (value % 7 == 0)
        {
            create(new Health(-value), new Position(value, value));
        }
    }

    private static World NewWorld(out Entity[] entities)
    {
        var world = new World(new WorldOptions { ChunkCapacity = 64 });
        entities = new Entity[200];
        world.Create(entities, new Health(0), new Position(1, 2));
        for (var i = 0; i < entities.Length; i++)
        {
            world.Get<Health>(entities[i]).Value = i;
        }
        return world;
    }

    [Fact]
    public void PlaybackEqualsDirectChangesInOrder()
    {
        using var recorded = NewWorld(out var a);
        using var direct = NewWorld(out var b);
        var job = new Record { Buffer = new CommandBuffer() };
        var q = new QueryDescription().WithAll<Health>();
        recorded.InlineEntityQuery<Record, Health>(q, ref job);
        Assert.True(job.Buffer.Count > 0);
        Assert.Equal(200, recorded.Size);
        job.Buffer.Playback(recorded);
        Assert.Equal(0, job.Buffer.Count);

        var order = new List<(Entity, int)>();
        foreach (var chunk in direct.Query(q))
        {
            var health = chunk.GetSpan<Health>();
            for (var r = 0; r < chunk.Count; r++)
            {
                order.Add((chunk.Entities[r], health[r].Value));
            }
        }
        foreach (var (e, v) in order)
        {
            Script(e, v, (x, f) => direct.Add(x, f), (x, h) => direct.Set(x, h), direct.Remove<Position>, direct.Destroy, (h, p) => direct.Create(h, p));
        }

        Assert.Equal(direct.Size, recorded.Size);
        var all = new QueryDescription();
        var left = QueryTests.Visit(recorded, all).OrderBy(e => e.Id).ToList();
        var right = QueryTests.Visit(direct, all).OrderBy(e => e.Id).ToList();
        Assert.Equal(right, left);
        foreach (var e in left)
        {
            Assert.Equal(direct.Get<Health>(e), recorded.Get<Health>(e));
            Assert.Equal(direct.Has<Position>(e), recorded.Has<Position>(e));
            Assert.Equal(direct.Has<Frozen>(e), recorded.Has<Frozen>(e));
            if (direct.Has<Position>(e))
            {
                Assert.Equal(direct.Get<Position>(e), recorded.Get<Position>(e));
            }
        }
    }

    [Fact]
    public void PlaceholdersResolveAtPlayback()
    {
        using var world = new World();
        var buffer = new CommandBuffer();
        var p = buffer.Create(new Health(1));
        Assert.True(p.Id < 0);
        buffer.Add(p, new Name("later"));
        buffer.Set(p, new Health(2));
        var q = buffer.Create();
        buffer.Destroy(q);
        buffer.Playback(world);
        Assert.Equal(1, world.Size);
        foreach (var chunk in world.Query(new QueryDescription().WithAll<Health, Name>()))
        {
            Assert.Equal(2, chunk.GetSpan<Health>()[0].Value);
            Assert.Equal("later", chunk.GetSpan<Name>()[0].Text);
        }
        Assert.Equal(1, world.CountEntities(new QueryDescription().WithAll<Health, Name>()));
        buffer.Create(new Health(3));
        buffer.Playback(world);
        Assert.Equal(2, world.Size);
    }
}
