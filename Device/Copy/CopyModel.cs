namespace HmmEcs.Devices.Copy;

/// <summary>What the copy-engine model charges for one submission.</summary>
public readonly record struct CopyCost(long Pages, long Batches, double DeviceTimeUs);

/// <summary>
/// The time model of the copy engine: commands are maximal runs (in destination order) whose source
/// frames and destination frames are both consecutive, at most <see cref="CopyParams.MaxBatchPages"/>
/// long; each goes to the engine that is free first (ties: the lowest-numbered) and takes
/// <c>latencyUs + bytes / bandwidth</c>. Device time is when the last engine finishes.
/// Pure arithmetic over frame numbers; moving the content is the copier's job.
/// </summary>
public static class CopyModel
{
    /// <summary>
    /// Costs a submission whose copies are given in destination order (<paramref name="dst"/> ascending).
    /// <paramref name="engineFree"/> is scratch of at least <see cref="CopyParams.Engines"/> entries.
    /// </summary>
    public static CopyCost Cost(ReadOnlySpan<long> src, ReadOnlySpan<long> dst, in CopyParams p, Span<double> engineFree)
    {
        if (src.Length != dst.Length)
        {
            throw new ArgumentException("source and destination lists differ in length");
        }
        var engines = Math.Max(1, p.Engines);
        var free = engineFree[..engines];
        free.Clear();
        long batches = 0;
        var i = 0;
        while (i < src.Length)
        {
            var run = 1;
            while (i + run < src.Length && run < p.MaxBatchPages
                   && src[i + run] == src[i + run - 1] + 1 && dst[i + run] == dst[i + run - 1] + 1)
            {
                run++;
            }
            Schedule(free, p.CommandUs(run));
            batches++;
            i += run;
        }
        var end = 0.0;
        foreach (var t in free)
        {
            end = Math.Max(end, t);
        }
        return new CopyCost(src.Length, batches, end);
    }

    /// <summary>Gives one command to the engine that is free first (lowest index on ties).</summary>
    public static void Schedule(Span<double> free, double commandUs)
    {
        var best = 0;
        for (var e = 1; e < free.Length; e++)
        {
            if (free[e] < free[best])
            {
                best = e;
            }
        }
        free[best] += commandUs;
    }
}
