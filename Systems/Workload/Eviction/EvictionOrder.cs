using System.Runtime.CompilerServices;
using HmmEcs.Systems.Machine;

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
    // Tree pre-eviction: the VMA page of range page 0 (blocks are VMA-aligned) and the range's pages.
    private readonly long _first;
    private readonly long _pages;
    private readonly PageList? _list;
    // LFU: accesses per page over the whole workload, and a min-heap of (count when pushed, join order) entries
    // whose counts may have grown since: a popped entry with a stale count goes back with the current one.
    private readonly long[]? _counts;
    private readonly PriorityQueue<int, (long Count, long Order)>? _heap;
    private readonly bool[]? _inHeap;
    private readonly long[]? _order;
    private readonly RandomPageSet? _random;
    private long _joins;

    public EvictionOrder(EvictionPolicyKind kind, long pages, ulong seed, long first = 0)
    {
        _kind = kind;
        _first = first;
        _pages = pages;
        switch (kind)
        {
            case EvictionPolicyKind.LeastFrequentlyUsed:
                _counts = new long[pages];
                _heap = new PriorityQueue<int, (long, long)>();
                _inHeap = new bool[pages];
                _order = new long[pages];
                break;
            case EvictionPolicyKind.Random:
                _random = new RandomPageSet(pages, seed);
                break;
            default:
                _list = new PageList(pages);
                break;
        }
    }

    /// <summary>Whether a hit changes the order (LRU, LFU): the runner skips the call otherwise.</summary>
    public bool WatchesHits => _kind is EvictionPolicyKind.LeastRecentlyUsed or EvictionPolicyKind.LeastFrequentlyUsed or EvictionPolicyKind.TreePreEviction;

    /// <summary>A device access that hit (also a serviced fault's access) to range page <paramref name="page"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Hit(int page)
    {
        if (_kind is EvictionPolicyKind.LeastRecentlyUsed or EvictionPolicyKind.TreePreEviction)
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
                _random!.Remove(page);
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
                _random!.Add(page);
                break;
            default:
                if (!_list!.Contains(page))
                {
                    _list.Append(page);
                }
                break;
        }
    }

    /// <summary>
    /// Takes victims into <paramref name="into"/> until there are <paramref name="wanted"/> or the order is empty; tree
    /// pre-eviction takes each victim's neighbourhood too, up to a block past <paramref name="wanted"/>
    /// (<paramref name="into"/> holds <paramref name="wanted"/> + 512). Returns how many.
    /// </summary>
    public int TakeVictims(int wanted, Span<int> into)
    {
        var n = 0;
        while (n < wanted && TryTakeVictim(out var victim))
        {
            into[n++] = victim;
            if (_kind == EvictionPolicyKind.TreePreEviction)
            {
                n = PreEvict(victim, into, n);
            }
        }
        return n;
    }

    /// <summary>
    /// TBNe: the rest of <paramref name="victim"/>'s 64 KiB leaf, then the largest subtree of its 2 MiB block above the
    /// leaf (2, 4, … 32 leaves) that is less than half resident, every resident page of it, in page order.
    /// </summary>
    private int PreEvict(int victim, Span<int> into, int n)
    {
        const int leafPages = 16;
        var offset = (int)((_first + victim) % WorkloadRunner.BlockPages);
        var blockBase = victim - (long)offset;
        var leaf = offset / leafPages;
        n = TakeResident(blockBase + leaf * leafPages, leafPages, into, n);
        var bestStart = -1;
        var bestSize = 0;
        for (var size = 2; size <= WorkloadRunner.BlockPages / leafPages; size *= 2)
        {
            var start = leaf / size * size;
            var resident = 0;
            for (var p = Math.Max(0, blockBase + start * leafPages); p < Math.Min(_pages, blockBase + (start + size) * leafPages); p++)
            {
                resident += _list!.Contains((int)p) ? 1 : 0;
            }
            if (2 * resident < size * leafPages)
            {
                bestStart = start;
                bestSize = size;
            }
        }
        return bestSize > 0 ? TakeResident(blockBase + bestStart * leafPages, bestSize * leafPages, into, n) : n;
    }

    /// <summary>Takes every page of <c>[from, from + length)</c> inside the range that is in the order.</summary>
    private int TakeResident(long from, int length, Span<int> into, int n)
    {
        for (var p = Math.Max(0, from); p < Math.Min(_pages, from + length); p++)
        {
            if (_list!.Contains((int)p))
            {
                _list.Remove((int)p);
                into[n++] = (int)p;
            }
        }
        return n;
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
                if (_random!.Count == 0)
                {
                    page = -1;
                    return false;
                }
                page = _random.Draw();
                return true;
            default:
                return _list!.TryTakeHead(out page);
        }
    }
}
