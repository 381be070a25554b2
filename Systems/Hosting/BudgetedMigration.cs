using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Hosting;

/// <summary>
/// A <c>migrate</c> step spread over ticks: its range is cut into consecutive sub-ranges whose inner
/// boundaries sit on multiples of <see cref="Unit"/> (VMA-relative), run in ascending order, and their
/// results are summed into one <see cref="MigrateResult"/> for the whole step.
/// </summary>
internal sealed class BudgetedMigration
{
    private readonly MigrateResult _slice = new();

    public BudgetedMigration(MigrateRequest request, long first, long count, long unit)
    {
        Request = request;
        First = first;
        End = first + count;
        Position = first;
        Unit = unit;
        Summed = new MigrateResult { PageOutcomes = new MigrateReason[count] };
    }

    public MigrateRequest Request { get; }
    public long First { get; }
    public long End { get; }
    public long Position { get; private set; }
    /// <summary>Boundary alignment: a multiple of the target device's chunk group and of the 512-page PMD span.</summary>
    public long Unit { get; }
    public MigrateResult Summed { get; }
    /// <summary>The result of the last sub-range (reused by the next one).</summary>
    public MigrateResult LastSlice => _slice;
    public Errno Error { get; private set; }
    public long WallTicks { get; private set; }
    public bool Done => Position >= End || Error != Errno.None;

    /// <summary>
    /// End of the next sub-range that fits <paramref name="remaining"/> pages, or -1 when none does and the tick
    /// already processed pages. When none fits a fresh tick, the sub-range runs to the next aligned boundary (one unit at most).
    /// </summary>
    public long NextEnd(long remaining, bool tickStarted)
    {
        var reach = Position + remaining;
        if (reach >= End)
        {
            return End;
        }
        var end = reach / Unit * Unit;
        if (end > Position)
        {
            return end;
        }
        if (tickStarted)
        {
            return -1;
        }
        return Math.Min(End, (Position + Unit) / Unit * Unit);
    }

    /// <summary>Migrates <c>[Position, end)</c> and adds its outcome to <see cref="Summed"/>.</summary>
    public void Run(IMachine machine, long end)
    {
        var sub = Request with { Range = new PageRange(Position, end - Position) };
        var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        var err = machine.Migrate(sub, _slice);
        WallTicks += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
        if (err != Errno.None)
        {
            Error = err;
            return;
        }
        var s = Summed;
        s.Requested += _slice.Requested;
        s.Migrated += _slice.Migrated;
        s.TlbFlushes += _slice.TlbFlushes;
        s.Costs = s.Costs.Plus(_slice.Costs);
        for (var k = 0; k < s.Reasons.Length; k++)
        {
            s.Reasons[k] += _slice.Reasons[k];
        }
        s.Copy.Pages += _slice.Copy.Pages;
        s.Copy.Bytes += _slice.Copy.Bytes;
        s.Copy.Batches += _slice.Copy.Batches;
        s.Copy.DeviceTimeUs += _slice.Copy.DeviceTimeUs;
        _slice.PageOutcomes.AsSpan().CopyTo(s.PageOutcomes.AsSpan((int)(Position - First)));
        Position = end;
    }

    /// <summary>
    /// The alignment unit: lcm of 512 (the PMD span TLB flushes are counted per) and every device's chunk group
    /// (the target's for the chunk rule; all of them so a migration back to RAM also frees whole groups).
    /// </summary>
    public static long UnitFor(MachineConfig config)
    {
        long unit = PageGeometry.PmdPages;
        foreach (var d in config.DeviceList)
        {
            long chunk = Math.Max(1, d.ChunkPages);
            unit = unit / Gcd(unit, chunk) * chunk;
        }
        return unit;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
