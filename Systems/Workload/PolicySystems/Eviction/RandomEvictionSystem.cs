using HmmEcs.Systems.Workload.Eviction;

namespace HmmEcs.Systems.Workload.PolicySystems.Eviction;

/// <summary>
/// Uniformly random among the resident pages: a dense set of them (swap-removal keeps it dense) and one counter-based
/// draw per victim from the request's seed.
/// </summary>
public sealed class RandomEvictionSystem : EvictionSystem
{
    private readonly RandomPageSet _set;

    /// <summary>A system for a range of <paramref name="pages"/> pages drawing from <paramref name="seed"/>.</summary>
    public RandomEvictionSystem(long pages, ulong seed) => _set = new RandomPageSet(pages, seed);

    /// <inheritdoc/>
    protected override void OnLeave(WorkloadContext state, int page) => _set.Remove(page);

    /// <inheritdoc/>
    protected override void OnJoin(WorkloadContext state, int page) => _set.Add(page);

    /// <inheritdoc/>
    protected override bool TryTake(WorkloadContext state, out int page)
    {
        while (_set.Count > 0)
        {
            page = _set.Draw();
            if (state.IsResident(page))
            {
                return true;
            }
        }
        page = -1;
        return false;
    }
}
