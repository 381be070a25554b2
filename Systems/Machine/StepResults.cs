using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Machine;

/// <summary>
/// The typed result of one scenario step, kept as it is through the runner, the sweep tables, the trace and
/// the hosting events; the result document's registry (<c>ResultFields</c>) turns it into JSON only when a
/// document is written.
/// </summary>
public abstract class OpResult
{
}

/// <summary>The result of an op that reports only the common fields (<c>process</c>, <c>mmap</c>, <c>fork</c>, <c>mprotect</c>, <c>munmap</c>).</summary>
public sealed class NoOpResult : OpResult
{
    private NoOpResult()
    {
    }

    /// <summary>The one instance: there is nothing in it to differ.</summary>
    public static NoOpResult Instance { get; } = new();
}

/// <summary>The result of a <c>touch</c>: its fault counts (zeros when the step failed).</summary>
public sealed class TouchResult(FaultCounts faults) : OpResult
{
    /// <summary>Pages that needed a fault, by kind.</summary>
    public FaultCounts Faults { get; } = faults;
}

/// <summary>
/// A page count: the pages that took or dropped a pin or a lock (<c>pin</c>, <c>unpin</c>, <c>lock</c>, <c>unlock</c>),
/// went to swap (<c>swapout</c>) or came back from a device (<c>evict</c>); 0 when the step failed.
/// </summary>
public sealed class PageCountResult(long pages) : OpResult
{
    /// <summary>The count.</summary>
    public long Pages { get; } = pages;
}

/// <summary>Pages of a <c>touch</c> that needed a fault, by kind. A page can count under two kinds (device, then cow).</summary>
public struct FaultCounts
{
    public long New;
    public long Swap;
    public long Device;
    public long Cow;
}

/// <summary>What the copy engine did for one migration (docs/scenarios.md <c>copy.*</c>).</summary>
public struct CopyStats
{
    public long Pages;
    public long Bytes;
    public long Batches;
    /// <summary>Model time until the last engine finishes, in µs. A timing field: engines may differ.</summary>
    public double DeviceTimeUs;
}

/// <summary>Outcome of one <c>migrate</c>: the per-reason counts, flushes, copies, and the per-page outcome array.</summary>
public sealed class MigrateResult : OpResult
{
    public long Requested;
    public long Migrated;
    /// <summary>Indexed by <see cref="MigrateReason"/>; slot 0 (<see cref="MigrateReason.None"/>) stays 0.</summary>
    public readonly long[] Reasons = new long[MigrateReasons.Count];
    public long TlbFlushes;
    /// <summary>What the call cost beyond the copies: unmap's flushes, notifier invalidations, LRU drains, page-table walks.</summary>
    public MigrateCosts Costs;
    /// <summary>Mainline only: holes of an anonymous VMA that the call filled with a new destination page (counted in <see cref="Migrated"/>).</summary>
    public long HolesInserted;
    public CopyStats Copy;
    /// <summary>
    /// Per page of the range: <see cref="MigrateReason.None"/> if it migrated, else its reason. Empty on error. An array
    /// already of the range's length is refilled in place by the ECS engine (a caller that hands the same result back
    /// to a call of the same size gives up the previous outcomes), so repeated calls allocate nothing.
    /// </summary>
    public MigrateReason[] PageOutcomes = [];
    /// <summary>Profile <c>v13-as-posted</c> only: the seed's defects that fired in this call, with the slots they hit; null otherwise.</summary>
    public PostedFindings? Findings;
    /// <summary>What the request's races did; null when it had none.</summary>
    public Races.RaceReport? Races;

    /// <summary>Count for one reason.</summary>
    public long this[MigrateReason reason] => Reasons[(int)reason];

    /// <summary>
    /// A copy of the counts without the per-page outcomes: what a step result keeps, so that a sweep holding
    /// every run's results until its table is written does not hold a byte per migrated page as well.
    /// </summary>
    public MigrateResult CountsOnly()
    {
        var copy = new MigrateResult { Requested = Requested, Migrated = Migrated, TlbFlushes = TlbFlushes, Costs = Costs, HolesInserted = HolesInserted, Copy = Copy, Findings = Findings, Races = Races?.Clone() };
        Reasons.AsSpan().CopyTo(copy.Reasons);
        return copy;
    }
}

/// <summary>Where a page of a VMA resides (docs/scenarios.md <c>resident.*</c>).</summary>
public enum Residence : byte { Hole, Ram, Swap, Device, Zero }

/// <summary>Outcome of one <c>verify</c>.</summary>
public sealed class VerifyResult : OpResult
{
    public long Checked;
    public long Mismatches;
    public long Hole;
    public long Ram;
    public long Swap;
    /// <summary>Pages mapping the shared zero page.</summary>
    public long Zero;
    /// <summary>Pages resident on each device, indexed like <see cref="MachineConfig.DeviceList"/>.</summary>
    public long[] Device = [];
}

/// <summary>Machine-wide usage (docs/scenarios.md <c>stats</c>).</summary>
public sealed class StatsResult : OpResult
{
    public long RamUsed;
    public long RamFree;
    public long[] DeviceUsed = [];
    public long[] DeviceFree = [];
    /// <summary>Live mirror entries per device (with the device issue; 0 until then).</summary>
    public long[] DeviceMirrored = [];
    /// <summary>Pages holding at least one pin.</summary>
    public long Pinned;
    /// <summary>Pages locked by other holders.</summary>
    public long Locked;
    /// <summary>Pages in the swap cache (machines with <see cref="MachineConfig.SwapCache"/>).</summary>
    public long SwapCache;
}

/// <summary>Outcome of one <c>device-read</c> or <c>device-write</c>.</summary>
public sealed class DeviceAccessResult : OpResult
{
    /// <summary>Pages the device accessed.</summary>
    public long Pages;
    /// <summary>Pages that had no live mirror entry (with write access: no writable one) and took the fault path.</summary>
    public long Faults;
    /// <summary><c>device-read</c>: pages whose content differed from the pattern.</summary>
    public long Mismatches;
}

/// <summary>Outcome of one <c>snapshot</c> (test_hmm's <c>HMM_DMIRROR_SNAPSHOT</c>): each page of the range in exactly one state.</summary>
public sealed class SnapshotResult : OpResult
{
    /// <summary>Holes and swap entries.</summary>
    public long None;
    /// <summary>Present read-only PTEs.</summary>
    public long Read;
    /// <summary>Present writable PTEs.</summary>
    public long Write;
    /// <summary>Pages mapped by a huge PMD.</summary>
    public long Huge;
    /// <summary>Device-private pages of the snapshotting device.</summary>
    public long DeviceLocal;
    /// <summary>
    /// Device-private pages of another device: every one under the seed's profiles; under <c>mainline</c> only a device
    /// that shares this one's owner (hmm_range_fault reports a device-private page only to its <c>dev_private_owner</c>;
    /// another owner's counts as <see cref="None"/>).
    /// </summary>
    public long DeviceRemote;
    /// <summary>Device-coherent pages (addressable device memory) of the snapshotting device: <c>DEV_COHERENT_LOCAL</c>.</summary>
    public long CoherentLocal;
    /// <summary>Device-coherent pages of another device: <c>DEV_COHERENT_REMOTE</c>.</summary>
    public long CoherentRemote;
    /// <summary>
    /// Pages hmm_range_fault reports as <c>HMM_PFN_ERROR</c> (<c>HMM_DMIRROR_PROT_ERROR</c>): in no VMA (a partial
    /// munmap), in a VMA without read permission (<c>PROT_NONE</c>), or in a <c>pfnmap</c> VMA (<c>VM_PFNMAP</c>).
    /// </summary>
    public long Error;
}

/// <summary>Outcome of the invariant checker.</summary>
public sealed class CheckResult : OpResult
{
    public long Violations => Details.Count;
    public List<string> Details { get; } = [];

    /// <summary>
    /// Profile <c>v13-as-posted</c>: the broken invariants the seed's defects leave, reported instead of failing
    /// (<see cref="Details"/> then stays empty); empty under the other profiles, where the checker is strict.
    /// </summary>
    public List<string> Findings { get; } = [];

    /// <summary>Moves every violation to <see cref="Findings"/> when <paramref name="profile"/> is <c>v13-as-posted</c>; returns this.</summary>
    public CheckResult ForProfile(SemanticsProfile profile)
    {
        if (profile == SemanticsProfile.V13AsPosted)
        {
            Findings.AddRange(Details);
            Details.Clear();
        }
        return this;
    }
}

/// <summary>
/// One page as a differential test compares it: where it lives, the content it holds
/// (the stamp; in bytes mode the stamp of its bytes or a hash of them when they match no stamp),
/// and whether the CPU mapping is writable.
/// </summary>
public readonly record struct PageView(Residence Residence, int Device, ulong Content, bool Writable);
