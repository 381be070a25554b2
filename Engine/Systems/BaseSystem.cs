namespace HmmEcs.Engine;

/// <summary>A system over one world, every step a no-op until overridden.</summary>
public abstract class BaseSystem<TState> : ISystem<TState>
{
    /// <summary>Binds the system to <paramref name="world"/>.</summary>
    protected BaseSystem(World world)
    {
        World = world;
    }

    /// <summary>The world the system works on.</summary>
    public World World { get; }

    /// <inheritdoc/>
    public virtual void Initialize()
    {
    }

    /// <inheritdoc/>
    public virtual void BeforeUpdate(in TState state)
    {
    }

    /// <inheritdoc/>
    public virtual void Update(in TState state)
    {
    }

    /// <inheritdoc/>
    public virtual void AfterUpdate(in TState state)
    {
    }

    /// <inheritdoc/>
    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }
}
