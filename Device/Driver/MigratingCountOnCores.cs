using HmmEcs.Components.Migration;
using HmmEcs.Engine;

namespace HmmEcs.Devices.Driver;

/// <summary>
/// Counts the entries of a large <c>src</c> array that carry MIGRATE, part by part, on the calling thread and thread-pool
/// helpers: a read of 8 bytes a page, bound by memory, which two cores stream faster than one. The driver needs each
/// part's count (to rank its destinations), the kernel side the sum (what the driver kept). Kept by its owner; its
/// per-part counts grow to the largest call.
/// </summary>
public sealed unsafe class MigratingCountOnCores : PartitionedWork
{
    private HmmPfn* _src;
    private int _entries;
    private int _partEntries;
    private int[] _counts = [];

    /// <summary>The count of each part of the last <see cref="Run"/>, in part order.</summary>
    public ReadOnlySpan<int> Counts => _counts.AsSpan(0, (_entries + _partEntries - 1) / Math.Max(1, _partEntries));

    /// <summary>
    /// Counts <paramref name="src"/>'s migrating entries in parts of <paramref name="partEntries"/> on up to
    /// <paramref name="workers"/> threads; returns the sum.
    /// </summary>
    public int Run(ReadOnlySpan<HmmPfn> src, int partEntries, int workers)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partEntries, 1);
        var parts = (src.Length + partEntries - 1) / partEntries;
        if (_counts.Length < parts)
        {
            _counts = new int[parts];
        }
        (_entries, _partEntries) = (src.Length, partEntries);
        fixed (HmmPfn* s = src)
        {
            _src = s;
            try
            {
                Run(parts, workers);
            }
            finally
            {
                _src = null;
            }
        }
        var n = 0;
        foreach (var c in Counts)
        {
            n += c;
        }
        return n;
    }

    /// <inheritdoc/>
    protected override void Work(int part)
    {
        var start = part * _partEntries;
        var length = Math.Min(_partEntries, _entries - start);
        _counts[part] = PfnArray.CountMigrating(new ReadOnlySpan<HmmPfn>(_src + start, length));
    }
}
