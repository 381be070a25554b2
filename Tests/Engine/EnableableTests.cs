using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class EnableableTests
{
    private static World NewWorld(int capacity = 128)
    {
        var world = new World(new WorldOptions { ChunkCapacity = capacity });
        world.RegisterEnableable<Migrate>();
        world.RegisterEnableable<Locked>();
        return world;
    }

    [Fact]
    public void AddRemoveHasFlipTheBitWithoutMoving()
    {
        using var world = NewWorld();
        var e = world.Create(new Health(1), new Migrate());
        var before = world.Locate(e);
        var archetypes = world.ArchetypeCount;
        Assert.True(world.Has<Migrate>(e));
        world.Remove<Migrate>(e);
        Assert.False(world.Has<Migrate>(e));
        Assert.Equal(before, world.Locate(e));
        world.Add<Migrate>(e);
        Assert.True(world.Has<Migrate>(e));
        world.SetEnabled<Migrate>(e, false);
        Assert.False(world.Has<Migrate>(e));
        Assert.Equal(before, world.Locate(e));
        Assert.Equal(archetypes, world.ArchetypeCount);
        Assert.Equal(0, before.Chunk.EnabledCount<Migrate>());
    }

    [Fact]
    public void AddToArchetypeLackingTheTagMovesWithBitSet()
    {
        using var world = NewWorld();
        var e = world.Create(new Health(5));
        world.Add<Migrate>(e);
        Assert.True(world.Has<Migrate>(e));
        Assert.True(world.Locate(e).Chunk.Has<Migrate>());
        Assert.Equal(5, world.Get<Health>(e).Value);
        Assert.Throws<InvalidOperationException>(() => world.SetEnabled<Locked>(e, true));
    }

    [Fact]
    public void RegisteringAfterUseFailsAndOnlyTagsQualify()
    {
        using var world = new World();
        world.Create(new Marked());
        Assert.Throws<InvalidOperationException>(() => world.RegisterEnableable<Marked>());
        Assert.Throws<InvalidOperationException>(() => world.RegisterEnableable<Health>());
    }

    [Fact]
    public void SingleRowFlipsKeepTheCountExactWithoutARecount()
    {
        using var world = NewWorld(4096);
        var created = new Entity[4096];
        world.Create(created, new Health(0), new Migrate(), new Locked());
        var chunk = world.Locate(created[0]).Chunk;
        chunk.SetAllEnabled<Migrate>(false);
        var rng = new Random(7);
        var expected = new bool[4096];
        for (var k = 0; k < 20_000; k++)
        {
            // Repeats and no-op flips (setting a set bit, clearing a clear one) included.
            var row = rng.Next(4096);
            var on = rng.Next(2) == 0;
            chunk.SetEnabled<Migrate>(row, on);
            expected[row] = on;
            if (k % 997 == 0)
            {
                Assert.Equal(expected.Count(b => b), chunk.EnabledCount<Migrate>());
            }
        }
        // Reading the mask leaves the count valid and equal to the bits.
        var bits = 0;
        foreach (var w in chunk.ReadEnabledMask<Migrate>())
        {
            bits += System.Numerics.BitOperations.PopCount(w);
        }
        Assert.Equal(expected.Count(b => b), bits);
        Assert.Equal(bits, chunk.EnabledCount<Migrate>());
        Assert.Equal(4096, chunk.EnabledCount<Locked>());
    }

    [Fact]
    public void AWriterThatCountsItselfReportsTheChange()
    {
        using var world = NewWorld(64);
        var created = new Entity[64];
        world.Create(created, new Health(0), new Migrate());
        var chunk = world.Locate(created[0]).Chunk;
        var mask = chunk.GetEnabledMaskCountedByCaller<Migrate>();
        mask[0] &= ~0b111UL;
        chunk.AdjustEnabledCount<Migrate>(-3);
        Assert.Equal(61, chunk.EnabledCount<Migrate>());
        Assert.Equal(61, world.CountEntities(new QueryDescription().WithAll<Migrate>()));
        Assert.False(world.Has<Migrate>(created[1]));
    }

    [Fact]
    public void ChunkMaskApiKeepsCounts()
    {
        using var world = NewWorld(64);
        var created = new Entity[100];
        world.Create(created, new Health(0), new Migrate());
        var chunk = world.Locate(created[0]).Chunk;
        Assert.Equal(64, chunk.EnabledCount<Migrate>());
        chunk.SetAllEnabled<Migrate>(false);
        Assert.Equal(0, chunk.EnabledCount<Migrate>());
        chunk.SetEnabled<Migrate>(3, true);
        chunk.SetEnabled<Migrate>(3, true);
        Assert.Equal(1, chunk.EnabledCount<Migrate>());
        Assert.True(chunk.IsEnabled<Migrate>(3));
        Assert.Equal(1UL << 3, chunk.GetEnabledMask<Migrate>()[0]);
        var tail = world.Locate(created[99]).Chunk;
        Assert.Equal(36, tail.EnabledCount<Migrate>());
        Assert.Equal((1UL << 36) - 1, tail.GetEnabledMask<Migrate>()[0]);
        tail.GetEnabledMask<Migrate>()[0] = 0b1011;
        Assert.Equal(3, tail.EnabledCount<Migrate>());
        // Direct mask writes need no recount call: queries see them.
        tail.GetEnabledMask<Migrate>()[0] |= 1UL << 35;
        Assert.Equal(1 + 4, world.CountEntities(new QueryDescription().WithAll<Migrate>()));
        Assert.True(world.Has<Migrate>(created[99]));
    }

    [Fact]
    public void BitsFollowRowsThroughDestroyAndMoves()
    {
        using var world = NewWorld(64);
        var created = new Entity[64];
        world.Create(created, new Health(0), new Migrate());
        for (var i = 0; i < 64; i++)
        {
            world.Get<Health>(created[i]).Value = i;
            world.SetEnabled<Migrate>(created[i], i % 2 == 0);
        }
        world.Destroy(created[10]);   // the last row (63, odd: clear) moves into row 10
        world.Add(created[20], new Velocity(1, 1));   // row 62 (even: set) moves into row 20
        Assert.False(world.Has<Migrate>(created[63]));
        Assert.True(world.Has<Migrate>(created[62]));
        Assert.True(world.Has<Migrate>(created[20]));
        world.Remove<Migrate>(created[20]);
        world.Remove<Velocity>(created[20]);
        Assert.False(world.Has<Migrate>(created[20]));
        var chunk = world.Locate(created[0]).Chunk;
        for (var i = 0; i < 64; i++)
        {
            if (i == 10)
            {
                continue;
            }
            Assert.Equal(i, world.Get<Health>(created[i]).Value);
            Assert.Equal(i % 2 == 0 && i != 20, world.Has<Migrate>(created[i]));
        }
        var expected = 0;
        for (var r = 0; r < chunk.Count; r++)
        {
            expected += chunk.IsEnabled<Migrate>(r) ? 1 : 0;
        }
        Assert.Equal(expected, chunk.EnabledCount<Migrate>());
        Assert.Equal(31 - 1, world.CountEntities(new QueryDescription().WithAll<Migrate>()));
    }

    [Fact]
    public void QueriesTreatClearBitsAsAbsent()
    {
        using var world = NewWorld(64);
        var created = new Entity[200];
        world.Create(created, new Health(1), new Migrate(), new Locked());
        // Chunk 0: all Migrate; chunk 1: none; chunk 2: every third; chunk 3 (8 rows): all.
        for (var i = 64; i < 128; i++)
        {
            world.Remove<Migrate>(created[i]);
        }
        for (var i = 128; i < 192; i++)
        {
            world.SetEnabled<Migrate>(created[i], i % 3 == 0);
        }
        for (var i = 0; i < 200; i += 2)
        {
            world.SetEnabled<Locked>(created[i], false);
        }
        var migrate = new QueryDescription().WithAll<Migrate>();
        var notMigrate = new QueryDescription().WithAll<Health>().WithNone<Migrate>();
        var both = new QueryDescription().WithAll<Migrate, Locked>();
        var migrateNotLocked = new QueryDescription().WithAll<Migrate>().WithNone<Locked>();
        var either = new QueryDescription().WithAny<Migrate, Locked>();
        int Expect(Func<int, bool> pick) => Enumerable.Range(0, 200).Count(pick);
        bool M(int i) => world.Has<Migrate>(created[i]);
        bool L(int i) => world.Has<Locked>(created[i]);
        Assert.Equal(Expect(M), world.CountEntities(migrate));
        Assert.Equal(Expect(i => !M(i)), world.CountEntities(notMigrate));
        Assert.Equal(Expect(i => M(i) && L(i)), world.CountEntities(both));
        Assert.Equal(Expect(i => M(i) && !L(i)), world.CountEntities(migrateNotLocked));
        Assert.Equal(Expect(i => M(i) || L(i)), world.CountEntities(either));

        var visited = new List<(int Chunk, bool UseMask)>();
        var enumerator = world.Query(migrate).GetEnumerator();
        while (enumerator.MoveNext())
        {
            visited.Add((enumerator.Current.Index, enumerator.UseMask));
        }
        Assert.Equal([(0, false), (2, true), (3, false)], visited);
    }
}
