using System.Runtime.CompilerServices;

namespace HmmEcs.Devices.Copy;

/// <summary>
/// Forms a submission's commands one copy at a time, in destination order, with the cuts and the engine choice of
/// <see cref="CopyCommandPlanner.Plan"/> (a run ends at <see cref="CopyParams.MaxBatchPages"/> or where either frame
/// does not run on by one): a caller that walks its copies anyway, such as a driver handing out destinations, plans
/// them in the same walk instead of a second pass over the entries.
/// </summary>
public ref struct CommandRunBuilder
{
    private readonly CopyParams _p;
    private readonly Span<double> _free;
    private readonly int _max;
    private CopyCommand[] _commands;
    private int _count;
    // The run being formed: its first copy's index and frames, and its length.
    private int _first;
    private long _runSrc;
    private long _runDst;
    private int _run;
    private int _copies;

    /// <summary>
    /// A builder writing into <paramref name="commands"/> from index 0 (grown, doubling, when full);
    /// <paramref name="engineFree"/> is scratch of at least <see cref="CopyParams.Engines"/> entries.
    /// </summary>
    public CommandRunBuilder(in CopyParams p, Span<double> engineFree, CopyCommand[] commands)
    {
        _p = p;
        _free = engineFree[..Math.Max(1, p.Engines)];
        _free.Clear();
        _max = Math.Max(1, p.MaxBatchPages);
        _commands = commands;
    }

    /// <summary>Copies added so far.</summary>
    public readonly int Copies => _copies;

    /// <summary>
    /// Adds the next copy, frame <paramref name="src"/> into frame <paramref name="dst"/>; false, adding nothing, when
    /// <paramref name="dst"/> does not exceed the destination before it (the copies are not in destination order).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Add(long src, long dst)
    {
        if (_run > 0)
        {
            var next = _runDst + _run;
            if (dst < next)
            {
                return false;
            }
            if (_run == _max || src != _runSrc + _run || dst != next)
            {
                Emit();
                _run = 0;
            }
        }
        if (_run == 0)
        {
            _first = _copies;
            _runSrc = src;
            _runDst = dst;
        }
        _run++;
        _copies++;
        return true;
    }

    /// <summary>
    /// Adds <paramref name="length"/> copies, frames <c>src + k</c> into <c>dst + k</c>: the commands <paramref name="length"/>
    /// calls of <see cref="Add"/> would form (the run goes on from the one before it, cut at the batch limit), for a
    /// caller that gathered its copies in runs (parts of a walk on several cores) and plans them in order afterwards.
    /// False, adding nothing, when the run does not come after the destinations before it.
    /// </summary>
    public bool AddRun(long src, long dst, int length)
    {
        if (length <= 0 || !Add(src, dst))
        {
            return length <= 0;
        }
        for (var k = 1; k < length;)
        {
            if (_run == _max)
            {
                Add(src + k, dst + k);
                k++;
                continue;
            }
            // The run goes on by as many copies as it has room for, as that many Add calls would take it.
            var take = Math.Min(length - k, _max - _run);
            _run += take;
            _copies += take;
            k += take;
        }
        return true;
    }

    /// <summary>Ends the last run; gives the commands (the array, perhaps grown, and how many) and the cost.</summary>
    public CopyCost Finish(out CopyCommand[] commands, out int count)
    {
        if (_run > 0)
        {
            Emit();
            _run = 0;
        }
        var end = 0.0;
        foreach (var t in _free)
        {
            end = Math.Max(end, t);
        }
        commands = _commands;
        count = _count;
        return new CopyCost(_copies, _count, end);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Emit() => CopyCommandPlanner.Emit(_p, _free, ref _commands, ref _count, _first, _run, _runSrc, _runDst);
}
