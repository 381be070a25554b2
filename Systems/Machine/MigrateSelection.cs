namespace HmmEcs.Systems.Machine;

/// <summary>
/// Which pages a mainline <c>migrate</c> collects (<c>enum migrate_vma_direction</c>, docs/model.md "mainline"): RAM
/// pages and anonymous holes, device-private entries, present device-coherent pages, and whether PMD-sized folios move whole. The simulator's unaddressable
/// devices stand for device-private memory, its addressable ones for device-coherent memory.
/// </summary>
[Flags]
public enum MigrateSelect : byte
{
    /// <summary>Nothing (never the value of a resolved selection).</summary>
    None = 0,
    /// <summary><c>MIGRATE_VMA_SELECT_SYSTEM</c>: ordinary RAM pages and holes of anonymous VMAs.</summary>
    System = 1,
    /// <summary><c>MIGRATE_VMA_SELECT_DEVICE_PRIVATE</c>: entries of unaddressable devices of the call's owner.</summary>
    DevicePrivate = 2,
    /// <summary><c>MIGRATE_VMA_SELECT_DEVICE_COHERENT</c>: pages of addressable devices of the call's owner.</summary>
    DeviceCoherent = 4,
    /// <summary>
    /// <c>MIGRATE_VMA_SELECT_COMPOUND</c> (6.19): a PMD-sized folio, device-private folio or anonymous hole that the
    /// range covers whole moves as one 512-page unit instead of being split first.
    /// </summary>
    Compound = 8,
}

/// <summary>
/// A mainline call's resolved selection: the page kinds and the <c>pgmap_owner</c> (an owner number from
/// <see cref="MachineConfig.OwnerIds"/>, or <see cref="AnyOwner"/>). Other profiles ignore it.
/// </summary>
public readonly record struct MigrateSelection(MigrateSelect Select, int Owner)
{
    /// <summary>Device pages of every owner are selected (the default of a call toward RAM).</summary>
    public const int AnyOwner = -1;

    /// <summary>Toward RAM with no <c>select</c> or <c>owner</c> given: every device page, whatever its owner.</summary>
    public static MigrateSelection ToRam => new(MigrateSelect.DevicePrivate | MigrateSelect.DeviceCoherent, AnyOwner);

    /// <summary>Whether a device page whose device has owner number <paramref name="owner"/> passes the owner test.</summary>
    public bool OwnedBy(int owner) => Owner == AnyOwner || Owner == owner;
}

/// <summary>The selection's names in scenario files (<c>select</c>).</summary>
public static class MigrateSelects
{
    /// <summary>The names, bit <c>i</c> of <see cref="MigrateSelect"/> being name <c>i</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["system", "device-private", "device-coherent", "compound"];

    /// <summary>The flag of name <paramref name="index"/> in <see cref="Names"/>.</summary>
    public static MigrateSelect FromIndex(int index) => (MigrateSelect)(1 << index);
}
