using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

/// <summary>Rows without entity handles (<see cref="World.CreateRows{T0}"/>): the machine's frames and PTEs (issue 10).</summary>
public class RowTests
{
    [Fact]
    public void RowsFillChunksInOrderAndHandEachSegmentToTheCaller()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 128 });
        var segments = new List<(int Chunk, int Start, int Count)>();
        world.CreateRows<Health>(300, (chunk, start, n) =>
        {
            segments.Add((chunk.Index, start, n));
            var column = chunk.GetSpan<Health>();
            for (var r = start; r < start + n; r++)
            {
                column[r] = new Health(r);
            }
        });
        Assert.Equal([(0, 0, 128), (1, 0, 128), (2, 0, 44)], segments);
        Assert.Equal(300, world.Size);
        Assert.Equal(300, world.CountEntities(new QueryDescription().WithAll<Health>()));
        var sum = new Sum();
        world.InlineQuery<Sum, Health>(new QueryDescription().WithAll<Health>(), ref sum);
        Assert.Equal(2 * (127 * 128 / 2) + 43 * 44 / 2, sum.Total);
    }

    private struct Sum : IForEach<Health>
    {
        public long Total;

        public void Update(ref Health h) => Total += h.Value;
    }

    [Fact]
    public void RowsHaveNoHandlesAndLeaveTheIdTableAlone()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var before = world.Create(new Health(-1));
        world.CreateRows<Health>(10, (_, _, _) => { });
        var after = world.Create(new Health(-2));
        Assert.Equal(before.Id + 1, after.Id); // no ids were taken by the rows
        var chunk = world.Locate(after).Chunk;
        Assert.Equal(default, chunk.Entities[1]);
        Assert.Equal(-1, world.Get<Health>(before).Value);
        Assert.Equal(-2, world.Get<Health>(after).Value);
        Assert.Equal(12, world.Size);
    }

    [Fact]
    public void EnableableTagsOfRowsStartEnabledAndCountExactly()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        world.RegisterEnableable<Marked>();
        world.CreateRows<Health, Position, Velocity, Marked>(100, (_, _, _) => { });
        Assert.Equal(100, world.CountEntities(new QueryDescription().WithAll<Marked>()));
    }

    [Fact]
    public void RemovingAHandledEntityBesideRowsKeepsEveryHandleRight()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var first = world.Create(new Health(1));
        var rowsThenEntity = world.Create(new Health(0)); // row 1, then rows 2..4 follow
        world.CreateRows<Health>(3, (chunk, start, n) => chunk.GetSpan<Health>().Slice(start, n).Fill(new Health(7)));
        var last = world.Create(new Health(9));
        // Destroying row 1 moves the last row (a handled entity) into it; destroying row 0 then moves a handle-less row
        // into row 0, which must not rewrite id 0's slot.
        world.Destroy(rowsThenEntity);
        world.Destroy(first);
        Assert.False(world.IsAlive(first));
        Assert.True(world.IsAlive(last));
        Assert.Equal(9, world.Get<Health>(last).Value);
        Assert.Equal(4, world.Size);
        Assert.Equal(4, world.CountEntities(new QueryDescription().WithAll<Health>()));
    }

    [Fact]
    public void ABulkDestroyDropsRowsWithTheirArchetype()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var keep = world.Create(new Position(1, 2));
        world.CreateRows<Health>(200, (_, _, _) => { });
        world.Destroy(new QueryDescription().WithAll<Health>());
        Assert.Equal(1, world.Size);
        Assert.True(world.IsAlive(keep));
        Assert.Equal(new Position(1, 2), world.Get<Position>(keep));
        var next = world.Create(new Health(5));
        Assert.True(world.IsAlive(next));
    }

    [Fact]
    public void BulkAddAndRemoveOverRowsLeaveTheHandlesAlone()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var e0 = world.Create(new Velocity(5, 6));
        world.CreateRows<Health>(10, (chunk, start, n) => chunk.GetSpan<Health>().Slice(start, n).Fill(new Health(3)));
        world.Add<Position>(new QueryDescription().WithAll<Health>());
        Assert.Equal(new Velocity(5, 6), world.Get<Velocity>(e0));
        Assert.Equal(10, world.CountEntities(new QueryDescription().WithAll<Health, Position>()));
        world.CreateRows<Health, Position, Velocity, Marked>(70, (_, _, _) => { });
        world.Remove<Position>(new QueryDescription().WithAll<Health, Velocity>());
        Assert.Equal(new Velocity(5, 6), world.Get<Velocity>(e0));
        Assert.Equal(70, world.CountEntities(new QueryDescription().WithAll<Health, Velocity, Marked>().WithNone<Position>()));
        Assert.Equal(81, world.Size);
    }
}
