namespace HmmEcs.Engine;

/// <summary>
/// Systems run in a fixed order. Each step of the group runs that step of every member in order:
/// all BeforeUpdates, then all Updates, then all AfterUpdates. Groups nest.
/// </summary>
public sealed class SystemGroup<TState> : ISystem<TState>
{
    private readonly List<ISystem<TState>> _systems;

    /// <summary>A group called <paramref name="name"/> holding <paramref name="systems"/> in order.</summary>
    public SystemGroup(string name, params ISystem<TState>[] systems)
    {
        Name = name;
        _systems = [.. systems];
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>The members, in run order.</summary>
    public IReadOnlyList<ISystem<TState>> Systems => _systems;

    /// <summary>Appends <paramref name="system"/> to the run order.</summary>
    public SystemGroup<TState> Add(ISystem<TState> system)
    {
        _systems.Add(system);
        return this;
    }

    /// <inheritdoc/>
    public void Initialize()
    {
        foreach (var system in _systems)
        {
            system.Initialize();
        }
    }

    /// <inheritdoc/>
    public void BeforeUpdate(in TState state)
    {
        foreach (var system in _systems)
        {
            system.BeforeUpdate(state);
        }
    }

    /// <inheritdoc/>
    public void Update(in TState state)
    {
        foreach (var system in _systems)
        {
            system.Update(state);
        }
    }

    /// <inheritdoc/>
    public void AfterUpdate(in TState state)
    {
        foreach (var system in _systems)
        {
            system.AfterUpdate(state);
        }
    }

    /// <summary>Runs the three update steps once.</summary>
    public void Run(in TState state)
    {
        BeforeUpdate(state);
        Update(state);
        AfterUpdate(state);
    }

    /// <summary>Disposes the members in reverse order.</summary>
    public void Dispose()
    {
        for (var i = _systems.Count - 1; i >= 0; i--)
        {
            _systems[i].Dispose();
        }
    }
}
