using HmmEcs.Engine;

namespace HmmEcs.Systems.Workload.PolicySystems;

/// <summary>
/// A policy system of the ECS engine's workloads: it runs for every <see cref="WorkloadEvent"/> (one call per batch,
/// block or eviction, never per access) and acts on those it cares about. Derive from it, or implement
/// <see cref="ISystem{TState}"/> of <see cref="WorkloadContext"/> directly.
/// </summary>
public abstract class WorkloadPolicySystem : ISystem<WorkloadContext>
{
    /// <inheritdoc/>
    public virtual void Initialize()
    {
    }

    /// <inheritdoc/>
    public virtual void BeforeUpdate(in WorkloadContext state)
    {
    }

    /// <inheritdoc/>
    public abstract void Update(in WorkloadContext state);

    /// <inheritdoc/>
    public virtual void AfterUpdate(in WorkloadContext state)
    {
    }

    /// <inheritdoc/>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
