using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Machine;

// What an engine implements. Every argument has passed the front's checks: names resolved to the engine's own
// numbers, ranges inside the VMA (count >= 1), every >= 1, a writable VMA for writes, a migratable VMA for migrate.
public abstract partial class MachineFront
{
    /// <summary>A new empty address space; returns the engine's number for it.</summary>
    private protected abstract int CreateProcessCore(string name);

    /// <summary>A new VMA of <paramref name="pages"/> holes in process <paramref name="process"/>; returns the engine's number for it.</summary>
    private protected abstract int MmapCore(int process, string name, long pages, VmaKind kind, PageProt prot, bool thp);

    /// <summary>A CPU access to each page of the range (ENOMEM and EFAULT for an immovable device page come from the engine's prepass).</summary>
    private protected abstract Errno TouchCore(int vma, long first, long count, bool write, ulong salt, out FaultCounts faults);

    /// <summary>
    /// A child of <paramref name="parent"/> named <paramref name="child"/> with a copy of every VMA; returns the child's
    /// number and appends the child's VMA numbers to <paramref name="childVmas"/> in the parent's VMA order.
    /// </summary>
    private protected abstract int ForkCore(int parent, string child, List<int> childVmas);

    private protected abstract Errno PinCore(int vma, long first, long count, int every, bool take, out long pages);

    private protected abstract Errno LockCore(int vma, long first, long count, int every, bool take, out long pages);

    private protected abstract Errno SwapOutCore(int vma, long first, long count, int every, out long swapped);

    /// <summary>
    /// mprotect of <c>[first, first + count)</c> (every page mapped): the pages take <paramref name="prot"/>; a huge PMD the
    /// range covers only in part is split first (the kernel splits the VMA, and the PMD with it).
    /// </summary>
    private protected abstract void MprotectCore(int vma, long first, long count, PageProt prot);

    /// <summary>A partial munmap: the range's entries drop their references and its pages leave every kernel VMA (the name stays).</summary>
    private protected abstract void MunmapRangeCore(int vma, long first, long count);

    /// <summary>
    /// mremap of <c>[first, first + count)</c> (one private anonymous VMA) to a new VMA <paramref name="name"/> of
    /// <paramref name="pages"/> pages in process <paramref name="process"/>; returns the engine's number for it.
    /// </summary>
    private protected abstract int MremapCore(int process, int vma, long first, long count, string name, long pages, bool dontUnmap);

    private protected abstract void MunmapCore(int process, int vma);

    /// <summary>
    /// The migration helper over <c>[first, first + count)</c> toward <paramref name="target"/> (-1: RAM); <paramref name="select"/>
    /// is the resolved mainline selection (<see cref="MachineFront.TrySelection"/>), ignored by other profiles.
    /// </summary>
    private protected abstract Errno MigrateCore(int vma, long first, long count, int target, FailureInjection inject, MigrateSelection select, MigrateResult result);

    /// <summary>Counts the range into <paramref name="result"/> (its device array is sized for the machine's devices).</summary>
    private protected abstract void VerifyCore(int vma, long first, long count, bool seq, ulong salt, VerifyResult result);

    /// <summary><c>device-read</c> (<paramref name="write"/> false) or <c>device-write</c> through device <paramref name="device"/>'s mirror.</summary>
    private protected abstract Errno DeviceAccessCore(int device, int vma, long first, long count, bool write, bool seq, ulong salt, DeviceAccessResult result);

    /// <summary>
    /// Counts readable pages <c>[first, first + count)</c> into <paramref name="result"/> as device <paramref name="device"/>
    /// sees them: another device's device-private page is <c>device-remote</c> when <paramref name="owner"/> is
    /// <see cref="MigrateSelection.AnyOwner"/> or that device's owner number (<see cref="OwnerIds"/>), else <c>none</c>.
    /// </summary>
    private protected abstract void SnapshotCore(int device, int vma, long first, long count, int owner, SnapshotResult result);

    /// <summary>A <c>workload</c> over <c>[first, first + count)</c> of the VMA by device <paramref name="device"/> (the engine's prepass gives EFAULT and ENOMEM).</summary>
    private protected abstract Errno WorkloadCore(int device, int vma, long first, long count, WorkloadRequest request, WorkloadResult result);

    /// <summary>The number of the page of device <paramref name="device"/> that page <paramref name="i"/> of the VMA maps, or -1 when it maps none of that device's (evict's walk).</summary>
    private protected abstract long DevicePageCore(int vma, long i, int device);

    /// <summary>Whether page <paramref name="page"/> of device <paramref name="device"/> is allocated.</summary>
    private protected abstract bool DevicePageUsedCore(int device, long page);

    /// <summary>Free RAM frames (evict's check that RAM can take every page of the device).</summary>
    private protected abstract long RamFramesFree { get; }

    /// <summary>Allocated pages of device <paramref name="device"/>.</summary>
    private protected abstract long DevicePagesUsed(int device);

    private protected abstract void InspectCore(int vma, long first, Span<PageView> dest);

    /// <summary>Machine-wide usage, without <see cref="StatsResult.DeviceMirrored"/> (the front adds it up per VMA).</summary>
    private protected abstract StatsResult StatsCore();

    /// <summary>Live mirror entries device <paramref name="device"/> holds for the VMA.</summary>
    private protected abstract long LiveMirrorEntriesCore(int vma, int device);
}
