namespace HmmEcs.Systems.Workload.PolicySystems.Eviction;

/// <summary>
/// Least recently used: the resident page whose last event — joining, or a device access since — is oldest, by the
/// stamps in <see cref="PageResidency.Since"/> and <see cref="PageAccess.LastUse"/>. Accesses only write the page's
/// stamp; a lazy min-heap holds one live entry per resident page keyed by its stamp when pushed, and a popped entry
/// whose page was used since goes back with the newer stamp, so the victim is exact without a call per access.
/// </summary>
public class LeastRecentlyUsedSystem : EvictionSystem
{
    private readonly PriorityQueue<int, long> _heap = new();
    // The key of each page's live entry (-1: none); other entries of the page are stale.
    private readonly long[] _live;

    /// <summary>A system for a range of <paramref name="pages"/> pages.</summary>
    public LeastRecentlyUsedSystem(long pages)
    {
        _live = new long[pages];
        _live.AsSpan().Fill(-1);
    }

    /// <inheritdoc/>
    protected override void OnJoin(WorkloadContext state, int page)
    {
        var since = state.Residency(page).Since;
        _live[page] = since;
        _heap.Enqueue(page, since);
    }

    /// <inheritdoc/>
    protected override bool TryTake(WorkloadContext state, out int page)
    {
        while (_heap.TryDequeue(out page, out var key))
        {
            if (_live[page] != key)
            {
                continue;
            }
            if (!state.IsResident(page))
            {
                _live[page] = -1;
                continue;
            }
            var last = Math.Max(state.Residency(page).Since, state.Access(page).LastUse);
            if (last == key)
            {
                _live[page] = -1;
                return true;
            }
            _live[page] = last;
            _heap.Enqueue(page, last);
        }
        page = -1;
        return false;
    }
}
