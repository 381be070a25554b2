namespace HmmEcs.Engine;

/// <summary>
/// A handle to an entity of one <see cref="World"/>: its id and the version that id had when the
/// entity was created. Destroying the entity bumps the id's version, so old handles go stale and
/// never alias the entity that later reuses the id.
/// </summary>
/// <param name="Id">Index into the world's entity table (reused after destroy).</param>
/// <param name="Version">Generation of the id; live versions start at 1.</param>
public readonly record struct Entity(int Id, int Version)
{
    /// <summary>The null handle (version 0 is never alive).</summary>
    public static Entity Null => default;

    /// <summary>True for <see cref="Null"/>.</summary>
    public bool IsNull => Version == 0 && Id == 0;

    /// <inheritdoc/>
    public override string ToString()
    {
        return $"Entity({Id}v{Version})";
    }
}
