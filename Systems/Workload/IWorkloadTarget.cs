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
    /// <see cref="MirrorLevel.None"/> (no live entry), <see cref="MirrorLevel.Read"/> or <see cref="MirrorLevel.Write"/>.
    /// </summary>
    void ReadLevels(long first, Span<byte> levels);

    /// <summary>
    /// Services the faults of one 2 MiB VA block: <paramref name="pages"/> (VMA-relative, ascending, distinct, in one
    /// block) with <paramref name="writes"/>[k] true where a write faulted. A page that needs a CPU fault first
    /// (a hole, a swap entry, another device's page, a write to a read-only PTE) takes it; then one helper call over
    /// <c>[pages[0], pages[^1]]</c> moves the listed pages (only those) to the device; a listed page still without a
    /// live entry is mapped into the mirror where it is.
    /// </summary>
    void ServiceBlock(ReadOnlySpan<long> pages, ReadOnlySpan<bool> writes, ref BlockService outcome);
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
}
