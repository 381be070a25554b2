namespace HmmEcs.Engine;

/// <summary>Per-world settings.</summary>
public sealed class WorldOptions
{
    /// <summary>Rows per chunk: a power of two and a multiple of 64 (enable-mask words align with rows).</summary>
    public int ChunkCapacity { get; init; } = 4096;

    /// <summary>Below this many matching rows a parallel query runs on the calling thread.</summary>
    public int ParallelThreshold { get; init; } = 65536;

    /// <summary>Number of workers a parallel query splits its chunks over.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Ask the OS to back the managed heap with transparent huge pages (<see cref="HugePageAdvice"/>) when the
    /// world is made: worth it for worlds of millions of entities whose chunk columns exceed 2 MiB.
    /// </summary>
    public bool HugePages { get; init; }
}
