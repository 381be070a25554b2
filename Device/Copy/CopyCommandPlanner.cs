using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Frames;

namespace HmmEcs.Devices.Copy;

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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            var run = RunLength(src, dst, i, Math.Max(1, Math.Min(max, src.Length - i)));
            Emit(p, free, ref commands, ref count, i, run, src[i], dst[i]);
            i += run;
        }
        var end = 0.0;
        foreach (var t in free)
        {
            end = Math.Max(end, t);
        }
        return new CopyCost(src.Length, count, end);
    }

    /// <summary>
    /// <see cref="Plan"/> over the migrating entries of a migration's pfn arrays (the copies in entry order, their frames
    /// from <see cref="PhysicalMemory.FrameOf"/>): the same commands as <see cref="Plan"/> over the frame lists those
    /// entries give, without the lists. Returns false as soon as a destination frame does not exceed the one before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryPlanEntries(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst, in CopyParams p,
        Span<double> engineFree, ref CopyCommand[] commands, out int count, out CopyCost cost)
    {
        var runs = new CommandRunBuilder(p, engineFree, commands);
        for (var i = 0; i < src.Length; i++)
        {
            var entry = src[i].Value;
            if ((entry & HmmPfn.Migrate) == 0)
            {
                continue;
            }
            if (!runs.Add(memory.FrameOf((int)(entry >> HmmPfn.Shift)), memory.FrameOf((int)dst[i].Pfn)))
            {
                count = 0;
                cost = default;
                return false;
            }
        }
        cost = runs.Finish(out commands, out count);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Emit(in CopyParams p, Span<double> free, ref CopyCommand[] commands, ref int count, int first, int run, long src, long dst)
    {
        var engine = EarliestFree(free);
        var start = free[engine];
        free[engine] += p.CommandUs(run);
        if (count == commands.Length)
        {
            Array.Resize(ref commands, Math.Max(16, commands.Length * 2));
        }
        commands[count++] = new CopyCommand(engine, start, free[engine], first, run, src, dst);
    }

    /// <summary>
    /// Copies from <paramref name="i"/> on that continue its run (both frames one more than the
    /// previous), at most <paramref name="limit"/>. Entry j continues the run from i exactly when
    /// <c>src[j] - j == src[i] - i</c> and likewise for dst, which four lanes test at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RunLength(ReadOnlySpan<long> src, ReadOnlySpan<long> dst, int i, int limit)
    {
        var srcBase = src[i] - i;
        var dstBase = dst[i] - i;
        var run = 1;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var s0 = ref MemoryMarshal.GetReference(src);
            ref var d0 = ref MemoryMarshal.GetReference(dst);
            var srcWant = Vector256.Create(srcBase);
            var dstWant = Vector256.Create(dstBase);
            var lanes = Vector256.Create(0L, 1L, 2L, 3L);
            while (run + 4 <= limit)
            {
                var j = i + run;
                var index = lanes + Vector256.Create((long)j);
                var same = Vector256.Equals(Vector256.LoadUnsafe(ref s0, (nuint)j) - index, srcWant)
                           & Vector256.Equals(Vector256.LoadUnsafe(ref d0, (nuint)j) - index, dstWant);
                var breaks = (~same).ExtractMostSignificantBits();
                if (breaks != 0)
                {
                    return run + BitOperations.TrailingZeroCount(breaks);
                }
                run += 4;
            }
        }
        while (run < limit && src[i + run] - (i + run) == srcBase && dst[i + run] - (i + run) == dstBase)
        {
            run++;
        }
        return run;
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
