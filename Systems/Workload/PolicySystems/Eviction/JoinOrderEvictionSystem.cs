namespace HmmEcs.Systems.Workload.PolicySystems.Eviction;

/// <summary>
/// Least recently migrated (UVM's default) and least recently faulted (amdgpu's): the resident page that joined the
/// order earliest, by <see cref="PageResidency.Since"/>. A page joins when its batch ends (it migrated in, or faulted
/// again), so the two orders are this one. A queue of (page, stamp) in join order; an entry whose stamp is no longer
/// the page's (it left and joined again) or whose page is not resident is skipped.
/// </summary>
public sealed class JoinOrderEvictionSystem : EvictionSystem
{
    private readonly Queue<(int Page, long Since)> _queue = new();

    /// <inheritdoc/>
    protected override void OnJoin(WorkloadContext state, int page) => _queue.Enqueue((page, state.Residency(page).Since));

    /// <inheritdoc/>
    protected override bool TryTake(WorkloadContext state, out int page)
    {
        while (_queue.TryDequeue(out var entry))
        {
            if (state.IsResident(entry.Page) && state.Residency(entry.Page).Since == entry.Since)
            {
                page = entry.Page;
                return true;
            }
        }
        page = -1;
        return false;
    }
}
