using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class InlineQueryTests
{
    private struct Integrate : IForEach<Position, Velocity>
    {
        public void Update(ref Position p, ref Velocity v)
        {
            p.X += v.Dx;
            p.Y += v.Dy;
        }
    }

    private struct SumHealth : IForEach<Health>
    {
        public long Sum;
        public int Rows;

        public void Update(ref Health h)
        {
            Sum += h.Value;
            Rows++;
        }
    }

    private struct CollectIds : IForEachWithEntity<Health>
    {
        public List<Entity> Seen;

        public void Update(Entity e, ref Health h)
        {
            Assert.Equal(e.Id, h.Value);
            Seen.Add(e);
        }
    }

    private struct ThreeColumns : IForEach<Position, Velocity, Health>
    {
        public long Sum;

        public void Update(ref Position p, ref Velocity v, ref Health h)
        {
            Sum += p.X + v.Dx + h.Value;
        }
    }

    private struct CountRows : IChunkJob
    {
        public int Rows;
        public int MaskedChunks;

        public void Execute(Chunk chunk, ReadOnlySpan<ulong> mask, bool useMask)
        {
            if (!useMask)
            {
                Rows += chunk.Count;
                return;
            }
            MaskedChunks++;
            foreach (var word in mask)
            {
                Rows += System.Numerics.BitOperations.PopCount(word);
            }
        }
    }

    [Fact]
    public void InlineQueryUpdatesByRefAndKeepsJobState()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var all = new Entity[150];
        world.Create(all, new Position(1, 1), new Velocity(2, 3));
        world.Add(all[0], new Health(0));
        var job = new Integrate();
        var q = new QueryDescription().WithAll<Position, Velocity>();
        world.InlineQuery<Integrate, Position, Velocity>(q, ref job);
        foreach (var e in all)
        {
            Assert.Equal(new Position(3, 4), world.Get<Position>(e));
        }
        var three = new ThreeColumns();
        world.Set(all[0], new Health(5));
        world.InlineQuery<ThreeColumns, Position, Velocity, Health>(new QueryDescription().WithAll<Position, Velocity, Health>(), ref three);
        Assert.Equal(3 + 2 + 5, three.Sum);
    }

    [Fact]
    public void EntityQueryAndChunkQueryRespectEnableBits()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        world.RegisterEnableable<Migrate>();
        var expectedSum = 0L;
        var expected = new List<Entity>();
        for (var i = 0; i < 300; i++)
        {
            var e = world.Create(new Health(0), new Migrate());
            world.Get<Health>(e).Value = e.Id;
            var on = i % 5 == 0 || (i >= 64 && i < 128);
            world.SetEnabled<Migrate>(e, on);
            if (on)
            {
                expected.Add(e);
                expectedSum += e.Id;
            }
        }
        var q = new QueryDescription().WithAll<Health, Migrate>();
        var sum = new SumHealth();
        world.InlineQuery<SumHealth, Health>(q, ref sum);
        Assert.Equal(expectedSum, sum.Sum);
        Assert.Equal(expected.Count, sum.Rows);
        var ids = new CollectIds { Seen = [] };
        world.InlineEntityQuery<CollectIds, Health>(q, ref ids);
        Assert.Equal(expected, ids.Seen);
        var rows = new CountRows();
        world.InlineChunkQuery(q, ref rows);
        Assert.Equal(expected.Count, rows.Rows);
        Assert.Equal(4, rows.MaskedChunks);
    }

    [Fact]
    public void InlineQueryOnTagColumnThrows()
    {
        using var world = new World();
        world.Create(new Health(1), new Frozen());
        var job = new TagJob();
        Assert.Throws<InvalidOperationException>(() => world.InlineQuery<TagJob, Frozen>(new QueryDescription().WithAll<Frozen>(), ref job));
        Assert.False(world.IsIterating);
    }

    private struct TagJob : IForEach<Frozen>
    {
        public void Update(ref Frozen f)
        {
        }
    }
}
