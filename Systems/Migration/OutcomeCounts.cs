using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Migration;

/// <summary>The per-reason counts of a call's outcomes, in time proportional to the pages that gave up (usually few) plus one vector test per 32 slots.</summary>
internal static class OutcomeCounts
{
    /// <summary>Adds one to <paramref name="reasons"/>[r] for every slot holding reason r other than <see cref="MigrateReason.None"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ReadOnlySpan<MigrateReason> outcomes, long[] reasons)
    {
        var bytes = MemoryMarshal.AsBytes(outcomes);
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref var first = ref MemoryMarshal.GetReference(bytes);
            for (; i + Vector256<byte>.Count <= bytes.Length; i += Vector256<byte>.Count)
            {
                var gaveUp = ~Vector256.Equals(Vector256.LoadUnsafe(ref first, (nuint)i), Vector256<byte>.Zero);
                for (var lanes = gaveUp.ExtractMostSignificantBits(); lanes != 0; lanes &= lanes - 1)
                {
                    reasons[bytes[i + BitOperations.TrailingZeroCount(lanes)]]++;
                }
            }
        }
        for (; i < bytes.Length; i++)
        {
            reasons[bytes[i]]++;
        }
        reasons[(int)MigrateReason.None] = 0;
    }
}
