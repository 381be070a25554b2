namespace HmmEcs.Devices.Driver;

/// <summary>The VMA-relative page range <c>[Start, End)</c> a migration covers, in a VMA of <c>VmaPages</c> pages; slot <c>k</c> is page <c>Start + k</c>.</summary>
public readonly record struct MigrateWindow(long Start, long End, long VmaPages = long.MaxValue)
{
    /// <summary>Pages in the range.</summary>
    public long Count => End - Start;

    /// <summary>
    /// Mainline: slots that are holes to fill (<c>MIGRATE</c> without <c>VALID</c>): the driver allocates and zero-fills
    /// a destination for each, with no copy. 0 under the seed's profiles, whose driver path never looks for them.
    /// </summary>
    public int Holes { get; init; }

    /// <summary>
    /// Mainline with <c>select: compound</c>: PMD-sized units (a THP, a device-private folio or a whole anonymous hole
    /// region) that collect took whole, the kernel's <c>MIGRATE_PFN_COMPOUND</c> slots. 0 otherwise.
    /// </summary>
    public int Units { get; init; }

    /// <summary>The first slot of each of the <see cref="Units"/> units (512 slots each, in ascending order).</summary>
    public int[]? UnitSlots { get; init; }

    /// <summary>
    /// Threads the driver may share this call's work over (the calling one included; 0 or 1: the calling thread only). The
    /// kernel's callbacks have no such thing: the simulator's helper offers its cores for a large call, and the result
    /// must not depend on it.
    /// </summary>
    public int Workers { get; init; }

    /// <summary>Entries of a part when the work is shared over <see cref="Workers"/> threads.</summary>
    public int PartEntries { get; init; }

    /// <summary>Written by the driver: whether each unit got one PMD-sized destination folio (false: 512 base pages, the source splits).</summary>
    public bool[]? UnitFolio { get; init; }
}
