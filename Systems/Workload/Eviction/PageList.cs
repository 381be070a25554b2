using System.Runtime.CompilerServices;

namespace HmmEcs.Systems.Workload.Eviction;

/// <summary>
/// An ordered list of range pages, linked through two arrays (no node objects): append, unlink and move to the tail
/// in O(1), the head is the oldest. The order of the recency policies.
/// </summary>
internal sealed class PageList
{
    private const int Absent = -2;
    private readonly int[] _prev;
    private readonly int[] _next;
    private int _head = -1;
    private int _tail = -1;

    public PageList(long pages)
    {
        _prev = new int[pages];
        _next = new int[pages];
        _prev.AsSpan().Fill(Absent);
    }

    public bool Contains(int page) => _prev[page] != Absent;

    public void Append(int page)
    {
        _prev[page] = _tail;
        _next[page] = -1;
        if (_tail >= 0)
        {
            _next[_tail] = page;
        }
        else
        {
            _head = page;
        }
        _tail = page;
    }

    public void Remove(int page)
    {
        var p = _prev[page];
        var n = _next[page];
        if (p >= 0)
        {
            _next[p] = n;
        }
        else
        {
            _head = n;
        }
        if (n >= 0)
        {
            _prev[n] = p;
        }
        else
        {
            _tail = p;
        }
        _prev[page] = Absent;
    }

    /// <summary>Moves a listed page to the tail (most recent); a page not listed stays out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(int page)
    {
        if (page != _tail && _prev[page] != Absent)
        {
            Remove(page);
            Append(page);
        }
    }

    /// <summary>Takes the head (the oldest); false when empty.</summary>
    public bool TryTakeHead(out int page)
    {
        page = _head;
        if (page < 0)
        {
            return false;
        }
        Remove(page);
        return true;
    }
}
