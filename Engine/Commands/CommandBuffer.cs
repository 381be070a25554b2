namespace HmmEcs.Engine;

/// <summary>
/// Structural changes recorded while a query iterates and played back afterwards, in recording
/// order. Values are kept per component type in typed arrays (no boxing). Entities created by the
/// buffer are placeholders (negative id) until playback; later commands may name them.
/// </summary>
/// <remarks>Not thread-safe: give each worker its own buffer.</remarks>
public sealed class CommandBuffer
{
    private readonly List<Command> _commands = [];
    private ComponentStore?[] _storeByNumber = [];
    private readonly List<ComponentStore> _stores = [];
    private Entity[] _created = [];
    private int _createdCount;

    /// <summary>Commands recorded and not yet played back.</summary>
    public int Count => _commands.Count;

    /// <summary>Records the creation of an empty entity and returns its placeholder.</summary>
    public Entity Create()
    {
        var placeholder = new Entity(-(++_createdCount), 0);
        _commands.Add(new Command(CommandKind.Create, placeholder, -1, -1));
        return placeholder;
    }

    /// <summary>Records the creation of an entity with one component.</summary>
    public Entity Create<T0>(in T0 c0) where T0 : struct
    {
        var e = Create();
        Add(e, c0);
        return e;
    }

    /// <summary>Records the creation of an entity with two components.</summary>
    public Entity Create<T0, T1>(in T0 c0, in T1 c1) where T0 : struct where T1 : struct
    {
        var e = Create(c0);
        Add(e, c1);
        return e;
    }

    /// <summary>Records the creation of an entity with three components.</summary>
    public Entity Create<T0, T1, T2>(in T0 c0, in T1 c1, in T2 c2) where T0 : struct where T1 : struct where T2 : struct
    {
        var e = Create(c0, c1);
        Add(e, c2);
        return e;
    }

    /// <summary>Records the creation of an entity with four components.</summary>
    public Entity Create<T0, T1, T2, T3>(in T0 c0, in T1 c1, in T2 c2, in T3 c3) where T0 : struct where T1 : struct where T2 : struct where T3 : struct
    {
        var e = Create(c0, c1, c2);
        Add(e, c3);
        return e;
    }

    /// <summary>Records destroying <paramref name="e"/>.</summary>
    public void Destroy(Entity e)
    {
        _commands.Add(new Command(CommandKind.Destroy, e, -1, -1));
    }

    /// <summary>Records <see cref="World.Add{T}(Entity, in T)"/>.</summary>
    public void Add<T>(Entity e, in T value = default) where T : struct
    {
        var store = StoreOf<T>();
        _commands.Add(new Command(CommandKind.Add, e, store.Index, store.Push(value)));
    }

    /// <summary>Records <see cref="World.Set{T}(Entity, in T)"/>.</summary>
    public void Set<T>(Entity e, in T value) where T : struct
    {
        var store = StoreOf<T>();
        _commands.Add(new Command(CommandKind.Set, e, store.Index, store.Push(value)));
    }

    /// <summary>Records <see cref="World.Remove{T}(Entity)"/>.</summary>
    public void Remove<T>(Entity e) where T : struct
    {
        _commands.Add(new Command(CommandKind.Remove, e, StoreOf<T>().Index, -1));
    }

    /// <summary>Applies the recorded commands to <paramref name="world"/> in order, then empties the buffer.</summary>
    public void Playback(World world)
    {
        try
        {
            if (_created.Length < _createdCount)
            {
                _created = new Entity[_createdCount];
            }
            foreach (var command in _commands)
            {
                if (command.Kind == CommandKind.Create)
                {
                    _created[-command.Entity.Id - 1] = world.Create();
                    continue;
                }
                var e = Resolve(command.Entity);
                switch (command.Kind)
                {
                    case CommandKind.Destroy:
                        world.Destroy(e);
                        break;
                    default:
                        _stores[command.Store].Apply(world, command.Kind, e, command.Value);
                        break;
                }
            }
        }
        finally
        {
            Clear();
        }
    }

    /// <summary>Drops every recorded command.</summary>
    public void Clear()
    {
        _commands.Clear();
        foreach (var store in _stores)
        {
            store.Clear();
        }
        Array.Clear(_created, 0, Math.Min(_created.Length, _createdCount));
        _createdCount = 0;
    }

    private Entity Resolve(Entity e)
    {
        if (e.Id >= 0 || e.Version != 0)
        {
            return e;
        }
        var created = _created[-e.Id - 1];
        if (created.IsNull)
        {
            throw new InvalidOperationException($"placeholder {e} is used before its Create was played back");
        }
        return created;
    }

    private ComponentStore<T> StoreOf<T>() where T : struct
    {
        var n = TypeNumber<T>.Value;
        if (n >= _storeByNumber.Length)
        {
            Array.Resize(ref _storeByNumber, Math.Max(n + 1, _storeByNumber.Length * 2));
        }
        if (_storeByNumber[n] is not ComponentStore<T> store)
        {
            store = new ComponentStore<T>(_stores.Count);
            _storeByNumber[n] = store;
            _stores.Add(store);
        }
        return store;
    }

    private readonly record struct Command(CommandKind Kind, Entity Entity, int Store, int Value);
}
