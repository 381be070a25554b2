using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Workload.Faults;

/// <summary>
/// A per-batch count a workload reports as a distribution (faults per batch, VA blocks per batch), kept as a
/// histogram: a count never exceeds the batch size, so memory stays bounded however many batches a run takes.
/// </summary>
internal sealed class BatchLog
{
    private long[] _counts = new long[64];
    private long _batches;

    public void Add(int value)
    {
        if (value >= _counts.Length)
        {
            Array.Resize(ref _counts, Math.Max(value + 1, _counts.Length * 2));
        }
        _counts[value]++;
        _batches++;
    }

    /// <summary>The nearest-rank 50th and 90th percentiles and the maximum; zeros without batches.</summary>
    public BatchDistribution Distribution() =>
        _batches == 0 ? default : new BatchDistribution(AtRank(Rank(0.5)), AtRank(Rank(0.9)), AtRank(_batches));

    /// <summary>The nearest rank of quantile <paramref name="q"/>: <c>ceil(q·n)</c>, at least 1.</summary>
    private long Rank(double q) => Math.Max(1, (long)Math.Ceiling(q * _batches));

    /// <summary>The value at 1-based rank <paramref name="rank"/> in ascending order.</summary>
    private long AtRank(long rank)
    {
        long seen = 0;
        for (var v = 0; v < _counts.Length; v++)
        {
            seen += _counts[v];
            if (seen >= rank)
            {
                return v;
            }
        }
        throw new InvalidOperationException("rank past the batches");
    }
}
