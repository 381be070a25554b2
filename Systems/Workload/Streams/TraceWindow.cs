using System.Runtime.CompilerServices;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Workload.Streams;

/// <summary>
/// A <c>trace</c> workload's accesses by index: access <c>j</c> is the trace's access <c>j mod length</c> (a workload
/// longer than its trace runs it again from the start). The lockstep streams ask for their accesses out of order but
/// each exactly once, so only the accesses between the lowest one not yet asked for and the highest one read are
/// held, a ring of packed <c>page · 2 + write</c> words that grows when the streams drift apart (8 bytes an access).
/// </summary>
internal sealed class TraceWindow : IDisposable
{
    /// <summary>A slot already handed out.</summary>
    private const long Taken = -1;

    private readonly AccessTrace _trace;
    private TraceDecoder _decoder;
    private long[] _ring = new long[1024];
    private long _mask = 1023;
    // Accesses [_lo, _hi) are in the ring; _lo is the lowest not yet taken.
    private long _lo;
    private long _hi;
    // The access the decoder's pass began at.
    private long _passStart;

    public TraceWindow(AccessTrace trace)
    {
        _trace = trace;
        _decoder = trace.Open();
    }

    /// <summary>The page of access <paramref name="j"/> and whether it writes; each <paramref name="j"/> is asked for once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Take(long j, out bool write)
    {
        if (j >= _hi)
        {
            ReadUpTo(j);
        }
        var slot = j & _mask;
        var word = _ring[slot];
        _ring[slot] = Taken;
        while (_lo < _hi && _ring[_lo & _mask] == Taken)
        {
            _lo++;
        }
        write = (word & 1) != 0;
        return word >> 1;
    }

    private void ReadUpTo(long j)
    {
        while (_hi <= j)
        {
            if (_hi - _lo == _ring.Length)
            {
                Grow();
            }
            if (!_decoder.Next(out var page, out var write))
            {
                // The next pass. The trace held accesses when it was checked; a file emptied since would loop forever.
                if (_hi == _passStart)
                {
                    throw new TraceFormatException(_trace.Name, "", 0, "holds no accesses any more (changed since it was read)");
                }
                _passStart = _hi;
                _decoder.Dispose();
                _decoder = _trace.Open();
                continue;
            }
            if (page > _trace.MaxPage)
            {
                throw new TraceFormatException(_trace.Name, "", 0, $"names page {page} past its largest when it was read, {_trace.MaxPage} (changed since)");
            }
            _ring[_hi & _mask] = page * 2 + (write ? 1 : 0);
            _hi++;
        }
    }

    private void Grow()
    {
        var bigger = new long[_ring.Length * 2];
        var mask = bigger.Length - 1L;
        for (var k = _lo; k < _hi; k++)
        {
            bigger[k & mask] = _ring[k & _mask];
        }
        _ring = bigger;
        _mask = mask;
    }

    public void Dispose() => _decoder.Dispose();
}
