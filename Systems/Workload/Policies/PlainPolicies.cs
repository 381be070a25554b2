using System.Runtime.CompilerServices;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.Eviction;
using HmmEcs.Systems.Workload.Prefetch;
using HmmEcs.Systems.Workload.Thrashing;

namespace HmmEcs.Systems.Workload.Policies;

/// <summary>
/// The request's policies as plain loops over arrays (the reference engine's, and the runner's tests'): the eviction
/// order, the prefetcher and the thrashing detector, each null when the request has none.
/// </summary>
public readonly struct PlainPolicies : IWorkloadPolicies
{
    private readonly EvictionOrder? _order;
    private readonly Prefetcher? _prefetcher;
    private readonly ThrashDetector? _thrash;

    /// <summary>The policies <paramref name="request"/> names, over a range of <paramref name="pages"/> pages.</summary>
    /// <remarks><paramref name="first"/> is the VMA page of the range's first page (VA blocks are VMA-aligned).</remarks>
    public PlainPolicies(WorkloadRequest request, long first, long pages)
    {
        _order = request.Evict == EvictionPolicyKind.None ? null : new EvictionOrder(request.Evict, pages, request.Seed, first);
        _prefetcher = request.Prefetch == PrefetchPolicyKind.None ? null : new Prefetcher(request.Prefetch);
        _thrash = request.Thrash is null ? null : new ThrashDetector(request.Thrash, pages);
    }

    /// <inheritdoc/>
    public bool Evicts => _order is not null;

    /// <inheritdoc/>
    public bool WatchesHits => _order is { WatchesHits: true };

    /// <inheritdoc/>
    public bool Prefetches => _prefetcher is not null;

    /// <inheritdoc/>
    public bool DetectsThrashing => _thrash is not null;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Hit(int page) => _order!.Hit(page);

    /// <inheritdoc/>
    public void Fault(int page)
    {
        if (_order is { WatchesHits: true })
        {
            _order.Hit(page);
        }
    }

    /// <inheritdoc/>
    public void Join(int page) => _order!.Join(page);

    /// <inheritdoc/>
    public void Leave(int page) => _order!.Leave(page);

    /// <inheritdoc/>
    public void EndBatch()
    {
    }

    /// <inheritdoc/>
    public int TakeVictims(int wanted, Span<int> victims) => _order!.TakeVictims(wanted, victims);

    /// <inheritdoc/>
    public void Prefetch(ReadOnlySpan<bool> occupied, ReadOnlySpan<int> faulting, int lo, int hi, Span<bool> wanted) =>
        _prefetcher!.Choose(occupied, faulting, lo, hi, wanted);

    /// <inheritdoc/>
    public bool Pinned(int page, double nowUs) => _thrash!.Pinned(page, nowUs);

    /// <inheritdoc/>
    public void DetectThrashing(ReadOnlySpan<int> pages, Span<bool> pin, ref ThrashTally tally)
    {
        var thrash = _thrash!;
        for (var k = 0; k < pages.Length; k++)
        {
            pin[k] = false;
            if (!thrash.Record(pages[k], tally.NowUs, inward: true))
            {
                continue;
            }
            tally.Events++;
            switch (thrash.Policy.Action)
            {
                case ThrashAction.Pin:
                    thrash.Pin(pages[k], tally.NowUs);
                    tally.Pinned++;
                    pin[k] = true;
                    break;
                case ThrashAction.Throttle:
                    tally.Throttle(thrash.Policy.ThrottleUs);
                    break;
            }
        }
    }

    /// <inheritdoc/>
    public void RecordEvictions(ReadOnlySpan<int> pages, double nowUs)
    {
        if (_thrash is null)
        {
            return;
        }
        foreach (var page in pages)
        {
            _thrash.Record(page, nowUs, inward: false);
        }
    }
}
