using HmmEcs.Systems.Workload.Eviction;

namespace HmmEcs.Systems.Workload.PolicySystems.Eviction;

/// <summary>
/// Least recently used: the resident page whose last event — joining, or a device access since — is oldest, by the
/// stamps in <see cref="PageResidency.Since"/> and <see cref="PageAccess.LastUse"/>. Accesses only write the page's
/// stamp and note the page in <see cref="WorkloadContext.Touched"/>; at each event the system replays the joins and
/// the touches in stamp order onto a list linked through two arrays (O(1) a move), so the list runs from the oldest
/// stamp to the newest and its head is the victim, the order the reference engine's list keeps per access.
/// </summary>
public class LeastRecentlyUsedSystem : EvictionSystem
{
    private readonly PageList _list;
    // The touched pages of one event sorted by their last access's stamp.
    private int[] _touchPages = new int[WorkloadRunner.BlockPages];
    private long[] _touchStamps = new long[WorkloadRunner.BlockPages];

    /// <summary>A system for a range of <paramref name="pages"/> pages.</summary>
    public LeastRecentlyUsedSystem(long pages) => _list = new PageList(pages);

    /// <inheritdoc/>
    protected override void Follow(WorkloadContext state)
    {
        foreach (var page in state.Left)
        {
            Unlist(page);
        }
        var touched = SortTouched(state);
        var joined = state.Joined;
        var stamps = _touchStamps;
        var pages = _touchPages;
        var j = 0;
        var t = 0;
        // Joined is in stamp order and each page is in it once (joins come at a batch's end, the systems run right after).
        while (j < joined.Length)
        {
            var since = state.Residency(joined[j]).Since;
            while (t < touched && stamps[t] < since)
            {
                _list.Touch(pages[t++]);
            }
            Place(joined[j++]);
        }
        while (t < touched)
        {
            _list.Touch(pages[t++]);
        }
    }

    /// <inheritdoc/>
    protected override void OnLeave(WorkloadContext state, int page) => Unlist(page);

    /// <inheritdoc/>
    protected override void OnJoin(WorkloadContext state, int page) => Place(page);

    /// <summary>Puts <paramref name="page"/> at the tail: listed already, it is a page another system or pre-eviction took, back again.</summary>
    private void Place(int page)
    {
        Unlist(page);
        _list.Append(page);
    }

    private void Unlist(int page)
    {
        if (_list.Contains(page))
        {
            _list.Remove(page);
        }
    }

    /// <inheritdoc/>
    protected override bool TryTake(WorkloadContext state, out int page)
    {
        while (_list.TryTakeHead(out page))
        {
            // A page taken by another system or pre-eviction stays listed until it comes up here or joins again.
            if (state.IsResident(page))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Copies the touched pages and their stamps, sorted by stamp (the list gives them in first-access order); returns how many.</summary>
    private int SortTouched(WorkloadContext state)
    {
        var touched = state.Touched;
        if (_touchPages.Length < touched.Length)
        {
            _touchPages = new int[Math.Max(touched.Length, 2 * _touchPages.Length)];
            _touchStamps = new long[_touchPages.Length];
        }
        var sorted = true;
        var last = 0L;
        for (var k = 0; k < touched.Length; k++)
        {
            var stamp = state.Access(touched[k]).LastUse;
            sorted &= stamp > last;
            last = stamp;
            _touchPages[k] = touched[k];
            _touchStamps[k] = stamp;
        }
        if (!sorted)
        {
            _touchStamps.AsSpan(0, touched.Length).Sort(_touchPages.AsSpan(0, touched.Length));
        }
        return touched.Length;
    }
}
