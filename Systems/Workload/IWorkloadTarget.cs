namespace HmmEcs.Systems.Workload;

/// <summary>
/// What a <c>workload</c> asks of an engine: the device mirror's state and fault service, through the engine's own
/// machinery (its page tables, its migration helper). The shared <see cref="WorkloadRunner"/> calls it per block
/// and per refreshed span, never per access.
/// </summary>
public interface IWorkloadTarget
{
    /// <summary>
    /// Fills <paramref name="levels"/>[k] with what device's mirror entry for VMA page <c>first + k</c> allows:
    /// <see cref="MirrorLevel.None"/> (no live entry), <see cref="MirrorLevel.Read"/> or <see cref="MirrorLevel.Write"/>,
    /// plus <see cref="MirrorLevel.OnDevice"/> when the page is on the device.
    /// </summary>
    void ReadLevels(long first, Span<byte> levels);

    /// <summary>
    /// Services the faults of one 2 MiB VA block: <paramref name="pages"/> (VMA-relative, ascending, distinct, in one
    /// block), <paramref name="faulted"/>[k] true for a faulting page (false for one the prefetcher added) and
    /// <paramref name="writes"/>[k] true where a write faulted. A page that needs a CPU fault first (a hole, a swap
    /// entry, another device's page, a write to a read-only PTE) takes it; then one helper call over
    /// <c>[pages[0], pages[^1]]</c> moves the listed pages (only those) to the device; a faulting page still without
    /// a live entry is mapped into the mirror where it is (a prefetched one is left alone).
    /// </summary>
    void ServiceBlock(ReadOnlySpan<long> pages, ReadOnlySpan<bool> writes, ReadOnlySpan<bool> faulted, ref BlockService outcome);

    /// <summary>
    /// Serves faulting <paramref name="pages"/> (VMA-relative, ascending, distinct, in one block, none on the device)
    /// where they are, for the thrashing policy's pin: a page that needs a CPU fault takes it, then each still
    /// without a live entry (writable for a write in <paramref name="writes"/>) is mapped into the mirror where it is
    /// (<see cref="BlockService.Remote"/>). No helper call.
    /// </summary>
    void MapRemote(ReadOnlySpan<long> pages, ReadOnlySpan<bool> writes, ref BlockService outcome);

    /// <summary>Free pages of the device (the runner evicts when a block's faulting pages need more).</summary>
    long DeviceFreePages { get; }

    /// <summary>
    /// Moves <paramref name="pages"/> (VMA-relative, ascending, distinct, in one 2 MiB block, each on the device) back to
    /// RAM: one helper call toward RAM over <c>[pages[0], pages[^1]]</c> with only the listed pages selected, as
    /// <c>migrate_device_range</c> does for a driver's eviction. Adds its copies to <paramref name="outcome"/>'s eviction figures.
    /// </summary>
    void EvictBlock(ReadOnlySpan<long> pages, ref BlockService outcome);
}

/// <summary>The levels <see cref="IWorkloadTarget.ReadLevels"/> gives.</summary>
public static class MirrorLevel
{
    /// <summary>No live entry: any access faults.</summary>
    public const byte None = 0;

    /// <summary>A read-only entry: a write faults.</summary>
    public const byte Read = 1;

    /// <summary>A writable entry.</summary>
    public const byte Write = 2;

    /// <summary>The bits of the mirror's access level.</summary>
    public const byte Access = 3;

    /// <summary>Set beside the level when the page is on the device.</summary>
    public const byte OnDevice = 4;
}

/// <summary>What servicing blocks did, added up by <see cref="IWorkloadTarget.ServiceBlock"/>.</summary>
public struct BlockService
{
    /// <summary>Pages the helper moved to the device.</summary>
    public long Migrated;
    /// <summary>Listed pages mapped into the mirror where they are.</summary>
    public long Remote;
    /// <summary>The copy engine's commands.</summary>
    public long CopyBatches;
    /// <summary>The copy engine's time, summed over the helper calls, µs.</summary>
    public double CopyUs;
    /// <summary>The copy engine's commands for evictions.</summary>
    public long EvictCopyBatches;
    /// <summary>The copy engine's time for evictions, summed over their helper calls, µs.</summary>
    public double EvictCopyUs;
}
