using HmmEcs.Systems.Workload.Streams;

namespace HmmEcs.Systems.Workload.Eviction;

/// <summary>
/// The random eviction order: the resident pages densely (swap-removal keeps the set dense) with each page's position,
/// and one counter-based draw per victim from the workload's seed. Both engines' random policies draw through it, so
/// their victims are the same by construction.
/// </summary>
internal sealed class RandomPageSet
{
    private readonly ulong _seed;
    private readonly int[] _dense;
    // Each page's position in _dense, -1 while it is not in the set.
    private readonly int[] _position;
    private long _draws;

    public RandomPageSet(long pages, ulong seed)
    {
        _seed = seed;
        _dense = new int[pages];
        _position = new int[pages];
        _position.AsSpan().Fill(-1);
    }

    /// <summary>Pages in the set.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="page"/>; a page already in the set stays where it is.</summary>
    public void Add(int page)
    {
        if (_position[page] < 0)
        {
            _position[page] = Count;
            _dense[Count++] = page;
        }
    }

    /// <summary>Removes <paramref name="page"/> if it is in the set.</summary>
    public void Remove(int page)
    {
        var at = _position[page];
        if (at < 0)
        {
            return;
        }
        var last = _dense[--Count];
        _dense[at] = last;
        _position[last] = at;
        _position[page] = -1;
    }

    /// <summary>Draws a page uniformly from a non-empty set and removes it.</summary>
    public int Draw()
    {
        var page = _dense[(int)Mix.Below(Mix.Draw(_seed, _draws++, 5), Count)];
        Remove(page);
        return page;
    }
}
