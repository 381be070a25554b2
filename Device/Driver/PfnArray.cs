using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HmmEcs.Components.Migration;

namespace HmmEcs.Devices.Driver;

/// <summary>Whole-array reads of a migration's pfn arrays, four entries per vector operation (they run over every page of a request).</summary>
public static class PfnArray
{
    /// <summary>Entries of <paramref name="entries"/> carrying <see cref="HmmPfn.Migrate"/>: the flag bits summed, then shifted down.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int CountMigrating(ReadOnlySpan<HmmPfn> entries)
    {
        var words = MemoryMarshal.Cast<HmmPfn, ulong>(entries);
        var i = 0;
        var sum = 0UL;
        if (Vector256.IsHardwareAccelerated)
        {
            var flag = Vector256.Create(HmmPfn.Migrate);
            var acc = Vector256<ulong>.Zero;
            ref var first = ref MemoryMarshal.GetReference(words);
            for (; i + Vector256<ulong>.Count <= words.Length; i += Vector256<ulong>.Count)
            {
                acc += Vector256.LoadUnsafe(ref first, (nuint)i) & flag;
            }
            sum = Vector256.Sum(acc);
        }
        for (; i < words.Length; i++)
        {
            sum += words[i] & HmmPfn.Migrate;
        }
        return (int)(sum / HmmPfn.Migrate);
    }

    /// <summary>
    /// The first entry at or after <paramref name="start"/> that holds a destination whose source lost
    /// <see cref="HmmPfn.Migrate"/> (the page failed after allocation), or -1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int NextOrphanedDestination(ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst, int start)
    {
        var s = MemoryMarshal.Cast<HmmPfn, ulong>(src);
        var d = MemoryMarshal.Cast<HmmPfn, ulong>(dst[..src.Length]);
        var i = start;
        if (Vector256.IsHardwareAccelerated)
        {
            var flag = Vector256.Create(HmmPfn.Migrate);
            ref var s0 = ref MemoryMarshal.GetReference(s);
            ref var d0 = ref MemoryMarshal.GetReference(d);
            for (; i + Vector256<ulong>.Count <= s.Length; i += Vector256<ulong>.Count)
            {
                var orphaned = ~Vector256.Equals(Vector256.LoadUnsafe(ref d0, (nuint)i), Vector256<ulong>.Zero)
                    & Vector256.Equals(Vector256.LoadUnsafe(ref s0, (nuint)i) & flag, Vector256<ulong>.Zero);
                if (orphaned != Vector256<ulong>.Zero)
                {
                    break;
                }
            }
        }
        for (; i < s.Length; i++)
        {
            if (d[i] != 0 && (s[i] & HmmPfn.Migrate) == 0)
            {
                return i;
            }
        }
        return -1;
    }
}
