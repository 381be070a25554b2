namespace HmmEcs.Systems.Workload.PolicySystems;

/// <summary>
/// A workload page's accesses (its access bits): the policy clock's stamp at its last device access and how many it
/// had. Written by the runner on every access while a policy watches them.
/// </summary>
public struct PageAccess
{
    /// <summary>The stamp of the last access (0: none yet); stamps come from one clock shared with <see cref="PageResidency.Since"/>.</summary>
    public long LastUse;
    /// <summary>Device accesses to the page in this workload, faulted ones included.</summary>
    public long Uses;
}

/// <summary>A workload page's residency: when it last joined the eviction order, and its faults.</summary>
public struct PageResidency
{
    /// <summary>The stamp at which the page last joined the eviction order (its residency age's start).</summary>
    public long Since;
    /// <summary>Faults taken on the page in this workload, duplicates included.</summary>
    public long Faults;
}

/// <summary>A workload page's thrashing state (UVM's <c>uvm_perf_thrashing</c> per-page entry).</summary>
public struct PageThrash
{
    /// <summary>The modelled time of its last migration event, µs.</summary>
    public double LastEventUs;
    /// <summary>Until when the thrashing policy's pin holds, µs (0: never pinned).</summary>
    public double PinnedUntilUs;
    /// <summary>Events in a row so far, each within the window of the one before.</summary>
    public int Run;
}

/// <summary>Enableable tag: the page is on the device and in the eviction order (joined, not yet taken as a victim).</summary>
public struct Resident;
