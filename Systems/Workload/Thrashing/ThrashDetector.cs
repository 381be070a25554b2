using System.Runtime.CompilerServices;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Workload.Thrashing;

/// <summary>
/// Per page of a workload's range: its last migration event's modelled time, how many events came in a row each
/// within the window of the one before (UVM's <c>uvm_perf_thrashing</c>), and until when a pinned page stays pinned.
/// Arrays allocated once; nothing per event.
/// </summary>
public sealed class ThrashDetector
{
    private readonly ThrashPolicy _policy;
    private readonly double[] _last;
    private readonly int[] _run;
    private readonly double[] _pinnedUntil;

    /// <summary>A detector for <paramref name="pages"/> pages under <paramref name="policy"/>.</summary>
    public ThrashDetector(ThrashPolicy policy, long pages)
    {
        _policy = policy;
        _last = new double[pages];
        _run = new int[pages];
        _pinnedUntil = policy.Action == ThrashAction.Pin ? new double[pages] : [];
    }

    /// <summary>The policy.</summary>
    public ThrashPolicy Policy => _policy;

    /// <summary>
    /// Records a migration event of page <paramref name="page"/> at <paramref name="nowUs"/>: a fault that would bring
    /// it in (<paramref name="inward"/>) or its eviction. True when an inward event completes a run of
    /// <see cref="ThrashPolicy.Events"/> (the run then starts over); an eviction extends the run but never completes
    /// it, so thrashing is found at the fault that would bring the page back.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Record(int page, double nowUs, bool inward)
    {
        var run = _run[page] > 0 && nowUs - _last[page] <= _policy.WindowUs ? _run[page] + 1 : 1;
        _last[page] = nowUs;
        if (!inward)
        {
            _run[page] = Math.Min(run, _policy.Events - 1);
            return false;
        }
        if (run >= _policy.Events)
        {
            _run[page] = 0;
            return true;
        }
        _run[page] = run;
        return false;
    }

    /// <summary>Pins page <paramref name="page"/> from <paramref name="nowUs"/> for the policy's pin period.</summary>
    public void Pin(int page, double nowUs) => _pinnedUntil[page] = nowUs + _policy.PinUs;

    /// <summary>Whether page <paramref name="page"/>'s pin still holds at <paramref name="nowUs"/>.</summary>
    public bool Pinned(int page, double nowUs) => nowUs < _pinnedUntil[page];
}
