namespace HmmEcs.Systems.Machine;

/// <summary>The shape of a <c>workload</c>'s access stream (docs/scenarios.md, "workload").</summary>
public enum AccessPatternKind
{
    /// <summary>Sequential passes over the range.</summary>
    Stream,
    /// <summary>Every <see cref="AccessPattern.Stride"/>-th page, then the next offset, column by column.</summary>
    Strided,
    /// <summary>Uniform over the range.</summary>
    Random,
    /// <summary>A hot set taking most accesses, or Zipf ranks.</summary>
    HotCold,
    /// <summary>Blocked sweeps of a row-major matrix of pages, each tile reused before the next.</summary>
    Tiled,
    /// <summary>A recorded access sequence: <see cref="AccessPattern.Trace"/>'s lines, in order, each stream every <c>P</c>-th.</summary>
    Trace,
}

/// <summary>The order in which a <c>tiled</c> pattern visits its tiles.</summary>
public enum TiledSweep
{
    /// <summary>One matrix, its tiles in row-major order, each swept <see cref="AccessPattern.Reuse"/> times before the next.</summary>
    Tiles,
    /// <summary>
    /// A blocked matrix multiply <c>C = A × B</c> over three square matrices laid out A, B, C: for each tile of C in
    /// row-major order, the tiles A(I,K) and B(K,J) for each K, then C(I,J). A row of A's tiles is reused for a whole row of
    /// C and all of B for each row of C: the reuse across tiles of SGEMM-like kernels.
    /// </summary>
    Gemm,
}

/// <summary>
/// A <c>workload</c>'s <c>pattern</c>: the kind and its parameters. Only the kind's own parameters are read; the
/// others keep their defaults (the loader rejects a parameter given to a kind that has none of that name).
/// </summary>
public sealed record AccessPattern(AccessPatternKind Kind)
{
    /// <summary><c>strided</c>: pages between two accesses of a column.</summary>
    public long Stride { get; init; } = 16;

    /// <summary><c>hot-cold</c>: the share of the range that is hot (its lowest pages).</summary>
    public double HotFraction { get; init; } = 0.1;

    /// <summary><c>hot-cold</c>: the share of accesses that go to the hot set.</summary>
    public double HotProbability { get; init; } = 0.9;

    /// <summary><c>hot-cold</c>: a Zipf exponent &gt; 0 draws page ranks from Zipf(s) instead of the hot set (rank 1 = the range's first page); 0 uses the hot set.</summary>
    public double Zipf { get; init; }

    /// <summary><c>tiled</c>: pages per matrix row.</summary>
    public long Width { get; init; } = 512;

    /// <summary><c>tiled</c>: a tile's side, in pages.</summary>
    public long Tile { get; init; } = 16;

    /// <summary><c>tiled</c>: sweeps of a tile before the next.</summary>
    public int Reuse { get; init; } = 2;

    /// <summary><c>tiled</c>: one matrix tile by tile, or a blocked matrix multiply over three.</summary>
    public TiledSweep Sweep { get; init; }

    /// <summary><c>trace</c>: the recorded accesses (a file or bytes in memory); null for every other kind.</summary>
    public AccessTrace? Trace { get; init; }
}
