using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

/// <summary>Word-level helpers over row bitmasks (bit r of word r/64 is row r).</summary>
internal static class MaskBits
{
    /// <summary>Sets the bits of rows [<paramref name="start"/>, <paramref name="start"/>+<paramref name="count"/>).</summary>
    public static void SetRange(Span<ulong> mask, int start, int count)
    {
        var end = start + count;
        while (start < end)
        {
            var word = start >> 6;
            var bitStart = start & 63;
            var bits = Math.Min(64 - bitStart, end - start);
            mask[word] |= bits == 64 ? ulong.MaxValue : ((1UL << bits) - 1) << bitStart;
            start += bits;
        }
    }

    /// <summary>Number of words needed to cover <paramref name="rows"/> rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Words(int rows)
    {
        return (rows + 63) >> 6;
    }
}
