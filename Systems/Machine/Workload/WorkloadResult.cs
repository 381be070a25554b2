namespace HmmEcs.Systems.Machine;

/// <summary>The 50th and 90th percentiles (nearest rank) and the maximum of a per-batch count; zeros without batches.</summary>
public readonly record struct BatchDistribution(long P50, long P90, long Max);

/// <summary>The outcome of one <c>workload</c> (docs/scenarios.md, "workload"); zeros when the step failed.</summary>
public sealed class WorkloadResult : OpResult
{
    /// <summary>Accesses the streams issued.</summary>
    public long Accesses;
    /// <summary>Accesses the device mirror served (a live entry, writable for a write).</summary>
    public long Hits;
    /// <summary>Accesses that faulted: every entry the fault buffer took, duplicates included.</summary>
    public long Faults;
    /// <summary>Faults on a page already taken in the same batch, or served before their batch came.</summary>
    public long DuplicateFaults;
    /// <summary>Fault batches serviced (in <c>single</c> mode, one per serviced fault).</summary>
    public long Batches;
    /// <summary>Faults (duplicates included) per batch.</summary>
    public BatchDistribution FaultsPerBatch;
    /// <summary>2 MiB VA blocks (helper calls) per batch.</summary>
    public BatchDistribution BlocksPerBatch;
    /// <summary>Pages the helper moved to the device.</summary>
    public long MigratedPages;
    /// <summary>Pages serviced where they are (mapped into the mirror without migrating: pinned, shared, file pages, a full device).</summary>
    public long RemotePages;
    /// <summary>The copy engine's commands for the migrations.</summary>
    public long CopyBatches;
    /// <summary>Modelled fault-service time (per batch, per block, per page), µs.</summary>
    public double FaultServiceUs;
    /// <summary>Modelled copy time: the copy engine's time for each helper call's commands, summed, µs.</summary>
    public double CopyUs;
    /// <summary>Pages the eviction policy moved back to RAM.</summary>
    public long Evicted;
    /// <summary>Serviced faults on pages evicted earlier in the workload.</summary>
    public long Refaults;
    /// <summary>Pages the prefetcher added that migrated to the device.</summary>
    public long Prefetched;
    /// <summary>Prefetched pages a device access used before they were evicted (or the workload ended).</summary>
    public long PrefetchUsed;
    /// <summary>Modelled eviction time: per block and per page of each eviction call, plus its copies, µs.</summary>
    public double EvictUs;
    /// <summary>Thrashing events: faults on a page whose migrations in and out came <c>thrash.events</c> times in a row, each within the window.</summary>
    public long ThrashingEvents;
    /// <summary>Thrashing events the <c>pin</c> action answered: the page stayed in RAM, mapped remotely.</summary>
    public long PinnedPages;
    /// <summary>Thrashing events the <c>throttle</c> action answered: the page's migration waited.</summary>
    public long ThrottledFaults;
    /// <summary>Device accesses (hits) served through the mirror by a page that is not on the device.</summary>
    public long RemoteAccesses;
    /// <summary>Access-counter notifications: regions whose remote accesses reached the threshold (<c>access-counters</c> mode).</summary>
    public long Notifications;
    /// <summary>Modelled time batches waited for throttled migrations, µs.</summary>
    public double ThrottleUs;

    /// <summary>Bytes the helper moved (<see cref="MigratedPages"/> × 4096).</summary>
    public long MigratedBytes => MigratedPages * 4096;

    /// <summary>The whole modelled time, µs.</summary>
    public double TotalUs => FaultServiceUs + CopyUs + EvictUs + ThrottleUs;
}
