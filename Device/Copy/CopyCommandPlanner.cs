namespace HmmEcs.Device.Copy;

/// <summary>
/// Forms and schedules the commands of one submission as an explicit list: the same cuts and the
/// same engine choice, in the same floating-point order, as <see cref="CopyModel.Cost"/>, so the
/// totals are identical and the list can show the engines' timeline.
/// </summary>
public static class CopyCommandPlanner
{
    /// <summary>
    /// Writes the commands of the copies <paramref name="src"/>[i] → <paramref name="dst"/>[i] (in
    /// destination order) into <paramref name="commands"/> from index 0, growing it (doubling) when it is
    /// full; <paramref name="engineFree"/> is scratch of at least <see cref="CopyParams.Engines"/>
    /// entries. Returns the cost; <paramref name="count"/> is the number of commands written.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static CopyCost Plan(ReadOnlySpan<long> src, ReadOnlySpan<long> dst, in CopyParams p, Span<double> engineFree,
        ref CopyCommand[] commands, out int count)
    {
        if (src.Length != dst.Length)
        {
            throw new ArgumentException("source and destination lists differ in length");
        }
        var free = engineFree[..Math.Max(1, p.Engines)];
        free.Clear();
        var max = p.MaxBatchPages;
        count = 0;
        var i = 0;
        while (i < src.Length)
        {
            var s = src[i];
            var d = dst[i];
            var run = 1;
            while (i + run < src.Length && run < max && src[i + run] == s + run && dst[i + run] == d + run)
            {
                run++;
            }
            var engine = EarliestFree(free);
            var start = free[engine];
            free[engine] += p.CommandUs(run);
            if (count == commands.Length)
            {
                Array.Resize(ref commands, Math.Max(16, commands.Length * 2));
            }
            commands[count++] = new CopyCommand(engine, start, free[engine], i, run, s, d);
            i += run;
        }
        var end = 0.0;
        foreach (var t in free)
        {
            end = Math.Max(end, t);
        }
        return new CopyCost(src.Length, count, end);
    }

    /// <summary>The engine that is free first, the lowest on ties (as <see cref="CopyModel.Schedule"/>).</summary>
    private static int EarliestFree(ReadOnlySpan<double> free)
    {
        var best = 0;
        for (var e = 1; e < free.Length; e++)
        {
            if (free[e] < free[best])
            {
                best = e;
            }
        }
        return best;
    }
}
