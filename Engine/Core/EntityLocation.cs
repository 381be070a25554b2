namespace HmmEcs.Engine;

/// <summary>Where an entity's row lives: its chunk and the row inside it.</summary>
/// <param name="Chunk">The chunk holding the entity's components.</param>
/// <param name="Row">The row inside <paramref name="Chunk"/>.</param>
public readonly record struct EntityLocation(Chunk Chunk, int Row);
