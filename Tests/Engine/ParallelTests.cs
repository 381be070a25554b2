using System.Numerics;
using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class ParallelTests
{
    private struct SumJob : IChunkJob, IReducible<SumJob>
    {
        public long Sum;
        public long Rows;
        public int Chunks;

        public void Execute(Chunk chunk, ReadOnlySpan<ulong> mask, bool useMask)
        {
            var health = chunk.GetSpan<Health>();
            var positions = chunk.GetSpan<Position>();
            Chunks++;
            for (var r = 0; r < chunk.Count; r++)
            {
                if (!useMask || (mask[r >> 6] & (1UL << r)) != 0)
                {
                    Sum += health[r].Value;
                    Rows++;
                    positions[r].X += health[r].Value;
                }
            }
        }

        public void Merge(ref SumJob other)
        {
            Sum += other.Sum;
            Rows += other.Rows;
            Chunks += other.Chunks;
        }
    }

    private static World NewWorld(int threshold, int workers)
    {
        var world = new World(new WorldOptions { ChunkCapacity = 256, ParallelThreshold = threshold, Workers = workers });
        world.RegisterEnableable<Migrate>();
        var a = new Entity[50_000];
        world.Create(a, new Health(0), new Position(0, 0), new Migrate());
        var b = new Entity[30_000];
        world.Create(b, new Health(0), new Position(0, 0), new Migrate(), new Frozen());
        foreach (var e in a.Concat(b))
        {
            world.Get<Health>(e).Value = e.Id % 1000;
            world.SetEnabled<Migrate>(e, e.Id % 7 != 0 && e.Id < 70_000);
        }
        return world;
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ParallelEqualsSerial(int workers)
    {
        using var parallel = NewWorld(1000, workers);
        using var serial = NewWorld(int.MaxValue, workers);
        var q = new QueryDescription().WithAll<Health, Position, Migrate>();
        var p = new SumJob();
        var s = new SumJob();
        parallel.InlineParallelChunkQuery(q, ref p);
        serial.InlineParallelChunkQuery(q, ref s);
        Assert.Equal(s.Sum, p.Sum);
        Assert.Equal(s.Rows, p.Rows);
        Assert.Equal(s.Chunks, p.Chunks);
        Assert.Equal(serial.CountEntities(q), p.Rows);
        var sums = new long[2];
        var worlds = new[] { parallel, serial };
        for (var w = 0; w < 2; w++)
        {
            foreach (var chunk in worlds[w].Query(new QueryDescription().WithAll<Position>()))
            {
                foreach (var pos in chunk.GetSpan<Position>())
                {
                    sums[w] += pos.X * 31 + BitOperations.PopCount((ulong)pos.X);
                }
            }
        }
        Assert.Equal(sums[1], sums[0]);
        Assert.False(parallel.IsIterating);
    }

    private struct StructuralJob(World world) : IChunkJob, IReducible<StructuralJob>
    {
        public void Execute(Chunk chunk, ReadOnlySpan<ulong> mask, bool useMask)
        {
            world.Create(new Health(1));
        }

        public void Merge(ref StructuralJob other)
        {
        }
    }

    [Fact]
    public void StructuralChangeInParallelJobThrows()
    {
        using var world = NewWorld(1000, 2);
        var job = new StructuralJob(world);
        Assert.Throws<InvalidOperationException>(() => world.InlineParallelChunkQuery(new QueryDescription().WithAll<Health>(), ref job));
        Assert.False(world.IsIterating);
    }
}
