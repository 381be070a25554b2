using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

/// <summary>Random sequences of every kind of change, checked step by step against a plain model.</summary>
public class ModelFuzzTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RandomChangesKeepEveryEntitysData(int seed)
    {
        var random = new Random(seed);
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        world.RegisterEnableable<Migrate>();
        var model = new Dictionary<Entity, EntityModel>();
        var dead = new List<Entity>();
        var live = new List<Entity>();
        for (var step = 0; step < 4000; step++)
        {
            var op = random.Next(16);
            var e = live.Count > 0 ? live[random.Next(live.Count)] : Entity.Null;
            var m = e.IsNull ? null : model[e];
            var value = random.Next(1000);
            switch (op)
            {
                case 0:
                case 1:
                case 2:
                    var created = Create(world, random, value, out var fresh);
                    model.Add(created, fresh);
                    live.Add(created);
                    break;
                case 3 when m is not null:
                    world.Destroy(e);
                    model.Remove(e);
                    live.Remove(e);
                    dead.Add(e);
                    break;
                case 4 when m is not null:
                    world.Add(e, new Position(value, -value));
                    m.Position = new Position(value, -value);
                    break;
                case 5 when m is not null:
                    world.Remove<Position>(e);
                    m.Position = null;
                    break;
                case 6 when m is not null:
                    world.Add(e, new Name($"n{value}"));
                    m.Name = new Name($"n{value}");
                    break;
                case 7 when m is not null:
                    world.Remove<Name>(e);
                    m.Name = null;
                    break;
                case 8 when m is not null:
                    if (random.Next(2) == 0)
                    {
                        world.Add<Frozen>(e);
                        m.Frozen = true;
                    }
                    else
                    {
                        world.Remove<Frozen>(e);
                        m.Frozen = false;
                    }
                    break;
                case 9 when m is not null:
                    if (m.MigratePresent && random.Next(2) == 0)
                    {
                        world.SetEnabled<Migrate>(e, !m.MigrateOn);
                        m.MigrateOn = !m.MigrateOn;
                    }
                    else if (random.Next(2) == 0)
                    {
                        world.Add<Migrate>(e);
                        m.MigratePresent = m.MigrateOn = true;
                    }
                    else
                    {
                        world.Remove<Migrate>(e);
                        m.MigrateOn = false;
                    }
                    break;
                case 10 when m is not null && m.Health.HasValue:
                    world.Set(e, new Health(value));
                    m.Health = new Health(value);
                    break;
                case 11:
                    world.Add<Frozen>(new QueryDescription().WithAll<Health>());
                    ForEach(model, x => x.Health.HasValue, x => x.Frozen = true);
                    break;
                case 12:
                    world.Remove<Frozen>(new QueryDescription().WithAll<Migrate>());
                    ForEach(model, x => x.Migrate, x => x.Frozen = false);
                    break;
                case 13:
                    var on = random.Next(2) == 0;
                    world.SetEnabled<Migrate>(new QueryDescription().WithAll<Position>(), on);
                    ForEach(model, x => x.Position.HasValue && x.MigratePresent, x => x.MigrateOn = on);
                    break;
                case 14 when random.Next(4) == 0:
                    world.Destroy(new QueryDescription().WithAll<Frozen>().WithNone<Migrate>());
                    foreach (var (k, v) in model.Where(kv => kv.Value.Frozen && !kv.Value.Migrate).ToList())
                    {
                        model.Remove(k);
                        live.Remove(k);
                        dead.Add(k);
                    }
                    break;
                case 15:
                    world.Add<Velocity>(new QueryDescription().WithAll<Frozen, Migrate>());
                    world.Remove<Velocity>(new QueryDescription().WithAll<Velocity>());
                    break;
            }
            if (step % 50 == 0)
            {
                WorldModel.AssertMatches(world, model, dead);
            }
        }
        WorldModel.AssertMatches(world, model, dead);
    }

    private static Entity Create(World world, Random random, int value, out EntityModel model)
    {
        model = new EntityModel();
        switch (random.Next(5))
        {
            case 0:
                model.Health = new Health(value);
                return world.Create(new Health(value));
            case 1:
                model.Health = new Health(value);
                model.Position = new Position(value, value);
                model.MigratePresent = model.MigrateOn = true;
                return world.Create(new Health(value), new Position(value, value), new Migrate());
            case 2:
                model.Name = new Name($"c{value}");
                model.Frozen = true;
                return world.Create(new Name($"c{value}"), new Frozen());
            case 3:
                model.Health = new Health(value);
                model.MigratePresent = model.MigrateOn = true;
                var created = new Entity[1 + random.Next(3)];
                world.Create(created, new Health(value), new Migrate());
                // Bulk creation makes several; the extras are destroyed to keep the model simple.
                for (var i = 1; i < created.Length; i++)
                {
                    world.Destroy(created[i]);
                }
                return created[0];
            default:
                return world.Create();
        }
    }

    private static void ForEach(Dictionary<Entity, EntityModel> model, Func<EntityModel, bool> pick, Action<EntityModel> change)
    {
        foreach (var m in model.Values.Where(pick).ToList())
        {
            change(m);
        }
    }
}
