namespace HmmEcs.Device.Driver;

/// <summary>The VMA-relative page range <c>[Start, End)</c> a migration covers; slot <c>k</c> is page <c>Start + k</c>.</summary>
public readonly record struct MigrateWindow(long Start, long End)
{
    /// <summary>Pages in the range.</summary>
    public long Count => End - Start;
}
