using System.Runtime.CompilerServices;
using HmmEcs.Engine;
using HmmEcs.Systems.Workload.Policies;

namespace HmmEcs.Systems.Workload.PolicySystems;

/// <summary>
/// The ECS engine's workload policies: per access the runner writes the page entity's <see cref="PageAccess"/>
/// (a store, no call to a system); per batch, block and eviction it runs the policy systems' group with the
/// <see cref="WorkloadEvent"/> set. Without a run (no policy and no host system) every call does nothing.
/// </summary>
internal readonly struct SystemPolicies(WorkloadContext? context, SystemGroup<WorkloadContext>? group, PolicyNeeds needs) : IWorkloadPolicies
{
    public bool Evicts => needs.Evicts;

    public bool WatchesHits => needs.WatchesHits;

    public bool Prefetches => needs.Prefetches;

    public bool DetectsThrashing => needs.DetectsThrashing;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Hit(int page) => context!.Hit(page);

    public void Fault(int page)
    {
        if (context is null)
        {
            return;
        }
        context.Fault(page);
        if (needs.WatchesHits)
        {
            context.Hit(page);
        }
    }

    public void Join(int page) => context!.Join(page);

    public void Leave(int page) => context!.Leave(page);

    public void EndBatch()
    {
        if (context!.HasEvents || needs.HostSystems)
        {
            Run(WorkloadEvent.BatchEnd);
        }
    }

    public int TakeVictims(int wanted, Span<int> victims)
    {
        context!.AskVictims(wanted);
        Run(WorkloadEvent.Evict);
        context.Victims.CopyTo(victims);
        return context.VictimCount;
    }

    public void Prefetch(ReadOnlySpan<bool> occupied, ReadOnlySpan<int> faulting, int lo, int hi, Span<bool> wanted)
    {
        context!.SetBlock(occupied, faulting, lo, hi);
        Run(WorkloadEvent.Prefetch);
        context.PrefetchWanted.CopyTo(wanted);
    }

    public bool Pinned(int page, double nowUs) => nowUs < context!.Thrash(page).PinnedUntilUs;

    public void DetectThrashing(ReadOnlySpan<int> pages, Span<bool> pin, ref ThrashTally tally)
    {
        context!.SetCandidates(pages, tally);
        Run(WorkloadEvent.Thrash);
        context.Pin.CopyTo(pin);
        tally = context.Tally;
    }

    public void RecordEvictions(ReadOnlySpan<int> pages, double nowUs)
    {
        context!.SetEvicted(pages, nowUs);
        Run(WorkloadEvent.Evicted);
    }

    private void Run(WorkloadEvent what)
    {
        context!.Event = what;
        group!.Run(context);
        context.ClearEvents();
    }
}

/// <summary>Which of the runner's calls a workload's policy systems need.</summary>
internal readonly record struct PolicyNeeds(bool Evicts, bool WatchesHits, bool Prefetches, bool DetectsThrashing, bool HostSystems);
