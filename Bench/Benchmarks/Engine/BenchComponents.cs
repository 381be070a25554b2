namespace HmmEcs.Benchmarks.Engine;

/// <summary>An 8-byte component (three of them make the 24-byte page of the memory target).</summary>
public struct ColumnA
{
    /// <summary>Payload.</summary>
    public long Value;
}

/// <summary>An 8-byte component.</summary>
public struct ColumnB
{
    /// <summary>Payload.</summary>
    public long Value;
}

/// <summary>An 8-byte component.</summary>
public struct ColumnC
{
    /// <summary>Payload.</summary>
    public long Value;
}

/// <summary>A zero-size archetype tag.</summary>
public struct ArchetypeTag;

/// <summary>A zero-size tag registered as enableable.</summary>
public struct EnableTag;
