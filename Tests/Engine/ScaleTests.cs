using System.Diagnostics;
using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class ScaleTests
{
    private struct Sum : IForEach<Position, Health>
    {
        public long Total;
        public int Rows;

        public void Update(ref Position p, ref Health h)
        {
            p.X += h.Value;
            Total += p.X;
            Rows++;
        }
    }

    [Fact]
    public void TenMillionEntitiesAreCreatedIteratedAndTornDown()
    {
        const int count = 10_000_000;
        var clock = Stopwatch.StartNew();
        var world = new World();
        var entities = new Entity[count];
        world.Create(entities, new Position(1, 0), new Health(2));
        Assert.Equal(count, world.Size);
        var last = world.Locate(entities[count - 1]);
        Assert.Equal((count - 1) / 4096, last.Chunk.Index);
        Assert.Equal((count - 1) % 4096, last.Row);
        var job = new Sum();
        world.InlineQuery<Sum, Position, Health>(new QueryDescription().WithAll<Position, Health>(), ref job);
        Assert.Equal(count, job.Rows);
        Assert.Equal(3L * count, job.Total);
        world.Destroy(new QueryDescription().WithAll<Health>());
        Assert.Equal(0, world.Size);
        Assert.False(world.IsAlive(entities[count / 2]));
        world.Dispose();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }
}
