using System.Runtime.CompilerServices;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.Streams;

namespace HmmEcs.Systems.Workload.Eviction;

/// <summary>
/// The order in which a workload's resident pages (range pages on the device) are chosen as victims, one policy's
/// bookkeeping. Pages join when the batch that brought them in ends, in ascending page order, so a batch never evicts
/// what it just brought in; a victim leaves when chosen. Hits reach it through <see cref="Hit"/>, a direct call
/// (the class is sealed and branches on the kind), never a virtual one per access.
/// </summary>
internal sealed class EvictionOrder
{
    private readonly EvictionPolicyKind _kind;
    private readonly ulong _seed;
    private readonly PageList? _list;
    // LFU: accesses per page over the whole workload, and a min-heap of (count when pushed, join order) entries
    // whose counts may have grown since: a popped entry with a stale count goes back with the current one.
    private readonly long[]? _counts;
    private readonly PriorityQueue<int, (long Count, long Order)>? _heap;
    private readonly bool[]? _inHeap;
    private readonly long[]? _order;
    // Random: the resident pages densely, and each page's position there (-1: not resident).
    private readonly int[]? _dense;
    private readonly int[]? _position;
    private int _denseCount;
    private long _joins;
    private long _draws;

    public EvictionOrder(EvictionPolicyKind kind, long pages, ulong seed)
    {
        _kind = kind;
        _seed = seed;
        switch (kind)
        {
            case EvictionPolicyKind.LeastFrequentlyUsed:
                _counts = new long[pages];
                _heap = new PriorityQueue<int, (long, long)>();
                _inHeap = new bool[pages];
                _order = new long[pages];
                break;
            case EvictionPolicyKind.Random:
                _dense = new int[pages];
                _position = new int[pages];
                _position.AsSpan().Fill(-1);
                break;
            default:
                _list = new PageList(pages);
                break;
        }
    }

    /// <summary>Whether a hit changes the order (LRU, LFU): the runner skips the call otherwise.</summary>
    public bool WatchesHits => _kind is EvictionPolicyKind.LeastRecentlyUsed or EvictionPolicyKind.LeastFrequentlyUsed;

    /// <summary>A device access that hit (also a serviced fault's access) to range page <paramref name="page"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Hit(int page)
    {
        if (_kind == EvictionPolicyKind.LeastRecentlyUsed)
        {
            _list!.Touch(page);
        }
        else if (_counts is not null)
        {
            _counts[page]++;
        }
    }

    /// <summary>
    /// A resident page faulted (a write to a read-only page): it leaves the order while its batch is serviced and
    /// joins again at the batch's end, as the most recently faulted and migrated.
    /// </summary>
    public void Leave(int page)
    {
        switch (_kind)
        {
            case EvictionPolicyKind.LeastFrequentlyUsed:
                // Its heap entry goes stale; it is skipped when popped.
                _inHeap![page] = false;
                break;
            case EvictionPolicyKind.Random:
                var at = _position![page];
                if (at >= 0)
                {
                    var last = _dense![--_denseCount];
                    _dense[at] = last;
                    _position[last] = at;
                    _position[page] = -1;
                }
                break;
            default:
                if (_list!.Contains(page))
                {
                    _list.Remove(page);
                }
                break;
        }
    }

    /// <summary>A page that is now on the device joins the order (at the batch's end); one already in it stays where it is.</summary>
    public void Join(int page)
    {
        switch (_kind)
        {
            case EvictionPolicyKind.LeastFrequentlyUsed:
                if (!_inHeap![page])
                {
                    _inHeap[page] = true;
                    _order![page] = _joins;
                    _heap!.Enqueue(page, (_counts![page], _joins++));
                }
                break;
            case EvictionPolicyKind.Random:
                if (_position![page] < 0)
                {
                    _position[page] = _denseCount;
                    _dense![_denseCount++] = page;
                }
                break;
            default:
                if (!_list!.Contains(page))
                {
                    _list.Append(page);
                }
                break;
        }
    }

    /// <summary>Chooses and removes the next victim; false when no page is in the order.</summary>
    public bool TryTakeVictim(out int page)
    {
        switch (_kind)
        {
            case EvictionPolicyKind.LeastFrequentlyUsed:
                while (_heap!.TryDequeue(out page, out var key))
                {
                    if (!_inHeap![page] || key.Order != _order![page])
                    {
                        // An entry of a page that left, or of an earlier stay.
                        continue;
                    }
                    if (key.Count == _counts![page])
                    {
                        _inHeap[page] = false;
                        return true;
                    }
                    // The page was used since it was pushed: back in with its count, behind its equals.
                    _order[page] = _joins;
                    _heap.Enqueue(page, (_counts[page], _joins++));
                }
                page = -1;
                return false;
            case EvictionPolicyKind.Random:
                if (_denseCount == 0)
                {
                    page = -1;
                    return false;
                }
                var at = (int)Mix.Below(Mix.Draw(_seed, _draws++, 5), _denseCount);
                page = _dense![at];
                var last = _dense[--_denseCount];
                _dense[at] = last;
                _position![last] = at;
                _position[page] = -1;
                return true;
            default:
                return _list!.TryTakeHead(out page);
        }
    }
}
