namespace HmmEcs.Components.Paging;

/// <summary>What a page-table entry holds.</summary>
public enum PteKind : byte
{
    /// <summary>pte_none: a hole.</summary>
    None = 0,
    /// <summary>A present mapping of a RAM or addressable device page.</summary>
    Present,
    /// <summary>A swap entry; <see cref="Pte.Target"/> is the swap slot.</summary>
    Swap,
    /// <summary>A migration entry left by the helper; <see cref="Pte.Target"/> is the page being migrated.</summary>
    Migration,
    /// <summary>A device-private (unaddressable) entry; the CPU faults on it.</summary>
    DevicePrivate,
    /// <summary>
    /// The shared zero page (<c>pte_mkspecial</c> of <c>zero_pfn</c>): a read-only special PTE with no page behind it in
    /// the simulator (<see cref="Pte.Target"/> is -1), so no refcount, mapcount or reverse map; content reads as zero.
    /// </summary>
    Zero,
}
