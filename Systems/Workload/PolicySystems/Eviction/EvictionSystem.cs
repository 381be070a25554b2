namespace HmmEcs.Systems.Workload.PolicySystems.Eviction;

/// <summary>
/// An eviction policy as a system: it follows the pages that leave and join the order (every event delivers them
/// first) and, on <see cref="WorkloadEvent.Evict"/>, adds victims while more are wanted. Its index may go stale
/// (a page another system took, or one that left): <see cref="TryTake"/> checks each candidate against the page's
/// components.
/// </summary>
public abstract class EvictionSystem : WorkloadPolicySystem
{
    /// <inheritdoc/>
    public override void Update(in WorkloadContext state)
    {
        Follow(state);
        if (state.Event != WorkloadEvent.Evict)
        {
            return;
        }
        while (state.NeedsVictims && TryTake(state, out var victim))
        {
            state.AddVictim(victim);
            OnVictim(state, victim);
        }
    }

    /// <summary>Follows the order's changes since the last event: by default each page that left, then each that joined.</summary>
    protected virtual void Follow(WorkloadContext state)
    {
        foreach (var page in state.Left)
        {
            OnLeave(state, page);
        }
        foreach (var page in state.Joined)
        {
            OnJoin(state, page);
        }
    }

    /// <summary>A victim was taken: a pre-evicting policy adds its neighbourhood (<see cref="WorkloadContext.PreEvict"/>).</summary>
    protected virtual void OnVictim(WorkloadContext state, int page)
    {
    }

    /// <summary>A resident page left the order.</summary>
    protected virtual void OnLeave(WorkloadContext state, int page)
    {
    }

    /// <summary>A page joined the order (its <see cref="PageResidency.Since"/> is set).</summary>
    protected abstract void OnJoin(WorkloadContext state, int page);

    /// <summary>The next victim, a resident page, removed from the index; false when none is left.</summary>
    protected abstract bool TryTake(WorkloadContext state, out int page);
}
