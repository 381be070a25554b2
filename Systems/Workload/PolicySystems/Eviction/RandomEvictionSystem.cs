using HmmEcs.Systems.Workload.Streams;

namespace HmmEcs.Systems.Workload.PolicySystems.Eviction;

/// <summary>
/// Uniformly random among the resident pages: a dense set of them (swap-removal keeps it dense) and one counter-based
/// draw per victim from the request's seed.
/// </summary>
public sealed class RandomEvictionSystem : EvictionSystem
{
    private readonly ulong _seed;
    private readonly int[] _dense;
    private readonly int[] _position;
    private int _count;
    private long _draws;

    /// <summary>A system for a range of <paramref name="pages"/> pages drawing from <paramref name="seed"/>.</summary>
    public RandomEvictionSystem(long pages, ulong seed)
    {
        _seed = seed;
        _dense = new int[pages];
        _position = new int[pages];
        _position.AsSpan().Fill(-1);
    }

    /// <inheritdoc/>
    protected override void OnLeave(WorkloadContext state, int page) => Drop(page);

    /// <inheritdoc/>
    protected override void OnJoin(WorkloadContext state, int page)
    {
        if (_position[page] < 0)
        {
            _position[page] = _count;
            _dense[_count++] = page;
        }
    }

    /// <inheritdoc/>
    protected override bool TryTake(WorkloadContext state, out int page)
    {
        while (_count > 0)
        {
            page = _dense[(int)Mix.Below(Mix.Draw(_seed, _draws++, 5), _count)];
            Drop(page);
            if (state.IsResident(page))
            {
                return true;
            }
        }
        page = -1;
        return false;
    }

    private void Drop(int page)
    {
        var at = _position[page];
        if (at < 0)
        {
            return;
        }
        var last = _dense[--_count];
        _dense[at] = last;
        _position[last] = at;
        _position[page] = -1;
    }
}
