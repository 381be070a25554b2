using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Workload.Faults;

/// <summary>The per-batch counts a workload reports as distributions (faults per batch, VA blocks per batch).</summary>
internal sealed class BatchLog
{
    private int[] _values = new int[64];

    public int Count { get; private set; }

    public void Add(int value)
    {
        if (Count == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
        }
        _values[Count++] = value;
    }

    /// <summary>The nearest-rank 50th and 90th percentiles and the maximum (sorts the log).</summary>
    public BatchDistribution Distribution()
    {
        if (Count == 0)
        {
            return default;
        }
        var values = _values.AsSpan(0, Count);
        values.Sort();
        return new BatchDistribution(values[Rank(0.5)], values[Rank(0.9)], values[^1]);
    }

    /// <summary>The nearest rank of quantile <paramref name="q"/>: <c>ceil(q·n)</c>, 1-based, as an index.</summary>
    private int Rank(double q) => Math.Max(1, (int)Math.Ceiling(q * Count)) - 1;
}
