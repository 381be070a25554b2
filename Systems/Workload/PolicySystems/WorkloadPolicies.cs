using HmmEcs.Engine;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.PolicySystems.Eviction;
using HmmEcs.Systems.Workload.Policies;

namespace HmmEcs.Systems.Workload.PolicySystems;

/// <summary>
/// The ECS engine's workload policies as systems, in run order: for each workload the request's own policies
/// (thrashing, prefetch, eviction: one system each, in <see cref="SlotOrder"/>) and the host's systems around them.
/// A host adds its own policy with <see cref="Insert"/> (before or after a slot), takes it out with
/// <see cref="Remove"/> and reorders the slots with <see cref="SlotOrder"/>; the engine is not touched. Systems at one
/// point run in the order they were inserted. The host owns its systems: nothing here disposes them.
/// </summary>
public sealed class WorkloadPolicies
{
    private readonly List<(WorkloadPolicySlot Slot, bool After, ISystem<WorkloadContext> System)> _host = [];
    private WorkloadPolicySlot[] _slotOrder = [WorkloadPolicySlot.Thrashing, WorkloadPolicySlot.Prefetch, WorkloadPolicySlot.Eviction];

    /// <summary>The order of the request's own policies (each slot once); a host's systems move with their slot.</summary>
    public IReadOnlyList<WorkloadPolicySlot> SlotOrder
    {
        get => _slotOrder;
        set
        {
            var order = value.ToArray();
            if (order.Length != 3 || order.Distinct().Count() != 3 || order.Any(s => !Enum.IsDefined(s)))
            {
                throw new ArgumentException("the slot order names each of thrashing, prefetch and eviction once", nameof(value));
            }
            _slotOrder = order;
        }
    }

    /// <summary>The host's systems, in insertion order.</summary>
    public IReadOnlyList<ISystem<WorkloadContext>> HostSystems => _host.ConvertAll(h => h.System);

    /// <summary>Inserts <paramref name="system"/> right before (or <paramref name="after"/>) the request's <paramref name="slot"/> policy; it runs in every later workload.</summary>
    public void Insert(WorkloadPolicySlot slot, bool after, ISystem<WorkloadContext> system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (!Enum.IsDefined(slot))
        {
            throw new ArgumentOutOfRangeException(nameof(slot));
        }
        system.Initialize();
        _host.Add((slot, after, system));
    }

    /// <summary>Takes <paramref name="system"/> out of the run order; false when it was not in it.</summary>
    public bool Remove(ISystem<WorkloadContext> system)
    {
        var at = _host.FindIndex(h => ReferenceEquals(h.System, system));
        if (at < 0)
        {
            return false;
        }
        _host.RemoveAt(at);
        return true;
    }

    /// <summary>
    /// The run of one workload: its page entities and the group of systems, or none when the request names no policy
    /// and the host has no system (then the runner calls nothing).
    /// </summary>
    internal (SystemPolicies Policies, WorkloadContext? Context, SystemGroup<WorkloadContext>? BuiltIns) Begin(WorkloadRequest request, long first, long pages)
    {
        var hostAt = new bool[3];
        foreach (var h in _host)
        {
            hostAt[(int)h.Slot] = true;
        }
        var needs = new PolicyNeeds(
            Evicts: request.Evict != EvictionPolicyKind.None || hostAt[(int)WorkloadPolicySlot.Eviction],
            WatchesHits: request.Evict is EvictionPolicyKind.LeastRecentlyUsed or EvictionPolicyKind.LeastFrequentlyUsed or EvictionPolicyKind.TreePreEviction
                || _host.Count > 0,
            Prefetches: request.Prefetch != PrefetchPolicyKind.None || hostAt[(int)WorkloadPolicySlot.Prefetch],
            DetectsThrashing: request.Thrash is not null || hostAt[(int)WorkloadPolicySlot.Thrashing],
            HostSystems: _host.Count > 0);
        if (!needs.Evicts && !needs.Prefetches && !needs.DetectsThrashing && _host.Count == 0)
        {
            return (new SystemPolicies(null, null, needs), null, null);
        }
        var context = new WorkloadContext(request, first, pages, Columns(request, needs));
        var builtIns = new SystemGroup<WorkloadContext>("workload-policies");
        var group = new SystemGroup<WorkloadContext>("workload");
        foreach (var slot in _slotOrder)
        {
            AddHost(group, slot, after: false);
            if (BuiltIn(slot, request, pages) is { } system)
            {
                system.Initialize();
                builtIns.Add(system);
                group.Add(system);
            }
            AddHost(group, slot, after: true);
        }
        return (new SystemPolicies(context, group, needs), context, builtIns);
    }

    /// <summary>The columns the request's policies use; every column for a host's systems, which may read any.</summary>
    private static WorkloadPageColumns Columns(WorkloadRequest request, PolicyNeeds needs)
    {
        if (needs.HostSystems)
        {
            return WorkloadPageColumns.All;
        }
        var columns = needs.WatchesHits ? WorkloadPageColumns.Access : WorkloadPageColumns.None;
        columns |= request.Evict == EvictionPolicyKind.LeastFrequentlyUsed ? WorkloadPageColumns.Uses : WorkloadPageColumns.None;
        return columns | (request.Thrash is not null ? WorkloadPageColumns.Thrash : WorkloadPageColumns.None);
    }

    private void AddHost(SystemGroup<WorkloadContext> group, WorkloadPolicySlot slot, bool after)
    {
        foreach (var h in _host)
        {
            if (h.Slot == slot && h.After == after)
            {
                group.Add(h.System);
            }
        }
    }

    /// <summary>The request's own policy system for <paramref name="slot"/>, or null when it names none.</summary>
    private static WorkloadPolicySystem? BuiltIn(WorkloadPolicySlot slot, WorkloadRequest request, long pages) => slot switch
    {
        WorkloadPolicySlot.Thrashing => request.Thrash is { } thrash ? new ThrashingSystem(thrash) : null,
        WorkloadPolicySlot.Prefetch => request.Prefetch != PrefetchPolicyKind.None ? new PrefetchSystem(request.Prefetch) : null,
        _ => request.Evict switch
        {
            EvictionPolicyKind.None => null,
            EvictionPolicyKind.LeastRecentlyUsed => new LeastRecentlyUsedSystem(pages),
            EvictionPolicyKind.LeastFrequentlyUsed => new LeastFrequentlyUsedSystem(pages),
            EvictionPolicyKind.Random => new RandomEvictionSystem(pages, request.Seed),
            EvictionPolicyKind.TreePreEviction => new TreePreEvictionSystem(pages),
            _ => new JoinOrderEvictionSystem(),
        },
    };
}
