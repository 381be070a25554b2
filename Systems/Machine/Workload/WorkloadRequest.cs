using HmmEcs.Components.Memory;

namespace HmmEcs.Systems.Machine;

/// <summary>
/// Arguments of one <c>workload</c> step: device <see cref="Device"/> runs <see cref="Accesses"/> accesses of
/// <see cref="Pattern"/> over <see cref="Range"/> of a VMA in <see cref="Parallel"/> lockstep streams, a share
/// <see cref="WriteFraction"/> of them writes, drawn from <see cref="Seed"/>; the faults are handled as
/// <see cref="Faults"/> says, each block's helper call taking what <see cref="Prefetch"/> adds; when the device is
/// full, <see cref="Evict"/> chooses pages to move back to RAM; <see cref="Thrash"/> (null: off) detects thrashing pages.
/// </summary>
public sealed record WorkloadRequest(string Device, string Proc, string Vma, PageRange Range, AccessPattern Pattern,
    long Accesses, int Parallel, double WriteFraction, ulong Seed, FaultHandling Faults,
    EvictionPolicyKind Evict = EvictionPolicyKind.None, PrefetchPolicyKind Prefetch = PrefetchPolicyKind.None,
    ThrashPolicy? Thrash = null)
{
    /// <summary>Whether any access may write: a <c>trace</c> with a write, or any other pattern with a <see cref="WriteFraction"/> above 0.</summary>
    public bool MayWrite => Pattern.Trace is { } trace ? trace.HasWrites : WriteFraction > 0;

    /// <summary>
    /// RAM frames the prepass keeps free beyond the CPU faults' own, for a workload over <paramref name="count"/> pages: a
    /// block's evictions move its victims to RAM before its helper call frees the frames of the pages it moves in, so with an
    /// eviction policy RAM must hold up to one call's pages (a 2 MiB VA block) more for a moment.
    /// </summary>
    public long EvictionReserve(long count) => Evict == EvictionPolicyKind.None ? 0 : Math.Min(count, PageGeometry.PmdPages);
}
