using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.Prefetch;

namespace HmmEcs.Systems.Workload.PolicySystems;

/// <summary>
/// The request's prefetch policy as a system: on <see cref="WorkloadEvent.Prefetch"/>, the sequential-local or
/// tree-based density choice over the block's occupancy (the same algorithm the reference engine's loops run).
/// </summary>
public sealed class PrefetchSystem(PrefetchPolicyKind kind) : WorkloadPolicySystem
{
    private readonly Prefetcher _prefetcher = new(kind);

    /// <inheritdoc/>
    public override void Update(in WorkloadContext state)
    {
        if (state.Event == WorkloadEvent.Prefetch)
        {
            _prefetcher.Choose(state.Occupied, state.FaultOffsets, state.BlockLo, state.BlockHi, state.PrefetchWanted);
        }
    }
}
