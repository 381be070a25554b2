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
}
