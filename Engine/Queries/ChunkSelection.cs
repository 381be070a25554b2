namespace HmmEcs.Engine;

/// <summary>What a query takes from one chunk.</summary>
internal enum ChunkSelection
{
    /// <summary>No row: skip the chunk.</summary>
    None,

    /// <summary>Every row in use, no mask needed.</summary>
    All,

    /// <summary>The rows whose bit is set in the query's mask.</summary>
    Mask,
}
