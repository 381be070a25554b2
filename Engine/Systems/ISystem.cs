namespace HmmEcs.Engine;

/// <summary>A system: set up once, then run each update in three steps, then disposed.</summary>
/// <typeparam name="TState">What each update receives (e.g. the step's arguments).</typeparam>
public interface ISystem<TState> : IDisposable
{
    /// <summary>One-time setup before the first update.</summary>
    void Initialize();

    /// <summary>Runs before <see cref="Update"/>.</summary>
    void BeforeUpdate(in TState state);

    /// <summary>The system's work for one update.</summary>
    void Update(in TState state);

    /// <summary>Runs after <see cref="Update"/>.</summary>
    void AfterUpdate(in TState state);
}
