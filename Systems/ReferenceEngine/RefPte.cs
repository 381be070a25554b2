namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>What a page-table entry holds.</summary>
internal enum PteKind : byte
{
    None,
    /// <summary>A present PTE: a RAM page or an addressable device page.</summary>
    Present,
    /// <summary>A device-private (unaddressable) swap-type entry.</summary>
    DevicePrivate,
    Swap,
    /// <summary>A migration entry; <see cref="RefPte.Page"/> is the page being migrated.</summary>
    Migration,
    /// <summary>The shared zero page: a special read-only entry with no page (<see cref="RefPte.Page"/> is null).</summary>
    Zero,
}

/// <summary>One PTE of one VMA.</summary>
internal struct RefPte
{
    public PteKind Kind;
    public bool Write;
    public RefPage? Page;
    public RefSwapSlot? Slot;

    /// <summary>On a <see cref="PteKind.Zero"/> entry (v13-as-posted only): a migration entry naming the zero page, left by the posted collect.</summary>
    public bool ZeroMigration;

    /// <summary>On a <see cref="PteKind.Zero"/> entry (v13-as-posted only): rebuilt without the special bit, counted in the zero page's mapcount.</summary>
    public bool ZeroNotSpecial;

    public readonly bool MapsPage => Kind is PteKind.Present or PteKind.DevicePrivate;
}
