namespace HmmEcs.Systems.Workload.PolicySystems;

// A workload's world holds a column only where a policy uses it (every column when the host has a system): at 10M
// pages each 8-byte column is 84 MB the step writes before its first access (WorkloadPageColumns).

/// <summary>
/// A workload page's last device access: the policy clock's stamp (0: none yet). Written by the runner on every access
/// while a policy watches them.
/// </summary>
public struct PageAccess
{
    /// <summary>The stamp of the last access; stamps come from one clock shared with <see cref="PageResidency.Since"/>.</summary>
    public long LastUse;
}

/// <summary>A workload page's device accesses in this workload, faulted ones included (LFU's count).</summary>
public struct PageUses
{
    /// <summary>How many.</summary>
    public long Count;
}

/// <summary>A workload page's residency: when it last joined the eviction order.</summary>
public struct PageResidency
{
    /// <summary>The stamp at which the page last joined the eviction order (its residency age's start).</summary>
    public long Since;
}

/// <summary>Faults taken on a workload page in this workload, duplicates included.</summary>
public struct PageFaults
{
    /// <summary>How many.</summary>
    public long Count;
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
