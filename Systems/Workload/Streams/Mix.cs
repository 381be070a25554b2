using System.Runtime.CompilerServices;

namespace HmmEcs.Systems.Workload.Streams;

/// <summary>
/// Counter-based randomness: access <c>j</c>'s draws are a pure function of the seed and <c>j</c> (SplitMix64's
/// finaliser), so a stream needs no state to carry between accesses and both engines see the same accesses
/// whatever order the lockstep streams issue them in.
/// </summary>
internal static class Mix
{
    /// <summary>SplitMix64's finaliser of <paramref name="z"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Draw <paramref name="lane"/> of access <paramref name="j"/> under <paramref name="seed"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Draw(ulong seed, long j, ulong lane) => Of(seed + ((ulong)j * 0x9E3779B97F4A7C15UL) + lane * 0xD1B54A32D192ED03UL);

    /// <summary>A uniform integer in <c>[0, n)</c> from 64 random bits (multiply-high: no division, no modulo bias worth a loop).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Below(ulong bits, long n) => (long)Math.BigMul(bits, (ulong)n, out _);

    /// <summary>A uniform double in <c>[0, 1)</c> from the top 53 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Unit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));
}
