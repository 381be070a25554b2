namespace HmmEcs.Systems.Workload.PolicySystems.Eviction;

/// <summary>
/// Least frequently used: the resident page with the fewest device accesses (<see cref="PageUses.Count"/>, over the
/// whole workload), the earliest to join among equals. A min-heap of (count when pushed, join order): a popped entry
/// whose page was used since goes back with its count, behind its equals.
/// </summary>
public sealed class LeastFrequentlyUsedSystem : EvictionSystem
{
    private readonly PriorityQueue<int, (long Count, long Order)> _heap = new();
    // The join order of each page's live entry; entries of an earlier stay are stale.
    private readonly long[] _order;
    private long _joins;

    /// <summary>A system for a range of <paramref name="pages"/> pages.</summary>
    public LeastFrequentlyUsedSystem(long pages) => _order = new long[pages];

    /// <inheritdoc/>
    protected override void OnJoin(WorkloadContext state, int page)
    {
        _order[page] = _joins;
        _heap.Enqueue(page, (state.Uses(page).Count, _joins++));
    }

    /// <inheritdoc/>
    protected override bool TryTake(WorkloadContext state, out int page)
    {
        while (_heap.TryDequeue(out page, out var key))
        {
            if (!state.IsResident(page) || key.Order != _order[page])
            {
                continue;
            }
            var uses = state.Uses(page).Count;
            if (key.Count == uses)
            {
                return true;
            }
            _order[page] = _joins;
            _heap.Enqueue(page, (uses, _joins++));
        }
        page = -1;
        return false;
    }
}
