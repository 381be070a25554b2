using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Workload.PolicySystems;

/// <summary>
/// The request's thrashing policy as a system over each page's <see cref="PageThrash"/> (UVM's
/// <c>uvm_perf_thrashing</c>): a page whose migrations in and out come <see cref="ThrashPolicy.Events"/> times in a
/// row, each within the window of the one before, is thrashing at the fault that would bring it back, and is pinned
/// or throttled.
/// </summary>
public sealed class ThrashingSystem(ThrashPolicy policy) : WorkloadPolicySystem
{
    /// <inheritdoc/>
    public override void Update(in WorkloadContext state)
    {
        switch (state.Event)
        {
            case WorkloadEvent.Thrash:
                Inward(state);
                break;
            case WorkloadEvent.Evicted:
                foreach (var page in state.EvictedPages)
                {
                    Record(ref state.Thrash(page), state.Tally.NowUs, inward: false);
                }
                break;
        }
    }

    private void Inward(WorkloadContext state)
    {
        ref var tally = ref state.Tally;
        var candidates = state.ThrashCandidates;
        var pin = state.Pin;
        for (var k = 0; k < candidates.Length; k++)
        {
            ref var thrash = ref state.Thrash(candidates[k]);
            if (!Record(ref thrash, tally.NowUs, inward: true))
            {
                continue;
            }
            tally.Events++;
            switch (policy.Action)
            {
                case ThrashAction.Pin:
                    thrash.PinnedUntilUs = tally.NowUs + policy.PinUs;
                    tally.Pinned++;
                    pin[k] = true;
                    break;
                case ThrashAction.Throttle:
                    tally.Throttle(policy.ThrottleUs);
                    break;
            }
        }
    }

    /// <summary>A migration event at <paramref name="nowUs"/>; true when an inward one completes a run (which starts over).</summary>
    private bool Record(ref PageThrash thrash, double nowUs, bool inward)
    {
        var run = thrash.Run > 0 && nowUs - thrash.LastEventUs <= policy.WindowUs ? thrash.Run + 1 : 1;
        thrash.LastEventUs = nowUs;
        if (!inward)
        {
            // An eviction extends the run but never completes it: thrashing is found at the fault that brings it back.
            thrash.Run = Math.Min(run, policy.Events - 1);
            return false;
        }
        if (run >= policy.Events)
        {
            thrash.Run = 0;
            return true;
        }
        thrash.Run = run;
        return false;
    }
}
