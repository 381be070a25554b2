using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

/// <summary>Checks a world against a model of its entities, and its internal bookkeeping.</summary>
internal static class WorldModel
{
    public static void AssertMatches(World world, Dictionary<Entity, EntityModel> model, IEnumerable<Entity> dead)
    {
        Assert.Equal(model.Count, world.Size);
        foreach (var e in dead)
        {
            Assert.False(world.IsAlive(e));
        }
        foreach (var (e, m) in model)
        {
            Assert.True(world.IsAlive(e));
            Assert.Equal(m.Position.HasValue, world.Has<Position>(e));
            Assert.Equal(m.Health.HasValue, world.Has<Health>(e));
            Assert.Equal(m.Name.HasValue, world.Has<Name>(e));
            Assert.Equal(m.Frozen, world.Has<Frozen>(e));
            Assert.Equal(m.Migrate, world.Has<Migrate>(e));
            Assert.Equal(m.MigratePresent, world.Locate(e).Chunk.Has<Migrate>());
            if (m.Position is { } p)
            {
                Assert.Equal(p, world.Get<Position>(e));
            }
            if (m.Health is { } h)
            {
                Assert.Equal(h, world.Get<Health>(e));
            }
            if (m.Name is { } n)
            {
                Assert.Equal(n, world.Get<Name>(e));
            }
            var at = world.Locate(e);
            Assert.Equal(e, at.Chunk.Entities[at.Row]);
        }
        AssertCount(world, model, new QueryDescription().WithAll<Position>(), m => m.Position.HasValue);
        AssertCount(world, model, new QueryDescription().WithAll<Health>().WithNone<Frozen>(), m => m.Health.HasValue && !m.Frozen);
        AssertCount(world, model, new QueryDescription().WithAll<Migrate>(), m => m.Migrate);
        AssertCount(world, model, new QueryDescription().WithNone<Migrate>(), m => !m.Migrate);
        AssertCount(world, model, new QueryDescription().WithAny<Name, Migrate>(), m => m.Name.HasValue || m.Migrate);
        AssertBookkeeping(world);
    }

    public static void AssertCount(World world, Dictionary<Entity, EntityModel> model, in QueryDescription q, Func<EntityModel, bool> pick)
    {
        Assert.Equal(model.Values.Count(pick), world.CountEntities(q));
    }

    /// <summary>Archetype counts add up, enable counts equal their masks, rows past Count are clear.</summary>
    public static void AssertBookkeeping(World world)
    {
        var total = 0;
        foreach (var archetype in world.Archetypes)
        {
            var rows = 0;
            for (var c = 0; c < archetype.ChunkCount; c++)
            {
                var chunk = archetype.GetChunk(c);
                Assert.Same(archetype, chunk.Archetype);
                Assert.Equal(c, chunk.Index);
                rows += chunk.Count;
                foreach (var column in chunk._columns)
                {
                    var empty = Activator.CreateInstance(column.GetType().GetElementType()!);
                    for (var r = chunk.Count; r < chunk.Capacity; r++)
                    {
                        Assert.Equal(empty, column.GetValue(r));
                    }
                }
                for (var i = 0; i < chunk._masks.Length; i++)
                {
                    var set = 0;
                    for (var r = 0; r < chunk.Capacity; r++)
                    {
                        var on = (chunk._masks[i][r >> 6] & (1UL << r)) != 0;
                        Assert.False(on && r >= chunk.Count);
                        set += on ? 1 : 0;
                    }
                    Assert.Equal(set, chunk.EnabledCounts[i]);
                }
            }
            Assert.Equal(rows, archetype.EntityCount);
            total += rows;
        }
        Assert.Equal(world.Size, total);
    }
}
