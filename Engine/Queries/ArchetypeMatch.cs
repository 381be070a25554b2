using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

/// <summary>
/// An archetype a query matches, with the enable masks (by the archetype's enable index) the
/// query must test per chunk: bits required set (All), required clear (None), any one set (Any).
/// </summary>
internal sealed class ArchetypeMatch
{
    public ArchetypeMatch(Archetype archetype, int[] allEnable, int[] noneEnable, int[] anyEnable)
    {
        Archetype = archetype;
        AllEnable = allEnable;
        NoneEnable = noneEnable;
        AnyEnable = anyEnable;
        Filtered = allEnable.Length + noneEnable.Length + anyEnable.Length > 0;
    }

    public Archetype Archetype { get; }

    public int[] AllEnable { get; }

    public int[] NoneEnable { get; }

    public int[] AnyEnable { get; }

    public bool Filtered { get; }

    /// <summary>
    /// Decides a chunk from its set-bit counts alone where it can (skip, or take whole); otherwise
    /// builds the selected-row mask in <paramref name="scratch"/>, word by word.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ChunkSelection Select(Chunk chunk, Span<ulong> scratch)
    {
        var count = chunk._count;
        if (count == 0)
        {
            return ChunkSelection.None;
        }
        return Filtered ? SelectFiltered(chunk, scratch) : ChunkSelection.All;
    }

    private ChunkSelection SelectFiltered(Chunk chunk, Span<ulong> scratch)
    {
        var count = chunk._count;
        var counts = chunk._enabledCounts;
        var needMask = false;
        foreach (var a in AllEnable)
        {
            var k = counts[a];
            if (k == 0)
            {
                return ChunkSelection.None;
            }
            needMask |= k != count;
        }
        foreach (var n in NoneEnable)
        {
            var k = counts[n];
            if (k == count)
            {
                return ChunkSelection.None;
            }
            needMask |= k != 0;
        }
        var anyMask = false;
        if (AnyEnable.Length > 0)
        {
            var anyFull = false;
            var anyEmpty = true;
            foreach (var x in AnyEnable)
            {
                var k = counts[x];
                anyFull |= k == count;
                anyEmpty &= k == 0;
            }
            if (!anyFull)
            {
                if (anyEmpty)
                {
                    return ChunkSelection.None;
                }
                anyMask = true;
                needMask = true;
            }
        }
        if (!needMask)
        {
            return ChunkSelection.All;
        }
        var words = MaskBits.Words(count);
        var mask = scratch[..words];
        Chunk.FillRows(mask, count);
        var masks = chunk._masks;
        foreach (var a in AllEnable)
        {
            And(mask, masks[a]);
        }
        foreach (var n in NoneEnable)
        {
            AndNot(mask, masks[n]);
        }
        if (anyMask)
        {
            for (var w = 0; w < words; w++)
            {
                var any = 0UL;
                foreach (var x in AnyEnable)
                {
                    any |= masks[x][w];
                }
                mask[w] &= any;
            }
        }
        var union = 0UL;
        for (var w = 0; w < words; w++)
        {
            union |= mask[w];
        }
        return union == 0 ? ChunkSelection.None : ChunkSelection.Mask;
    }

    private static void And(Span<ulong> mask, ulong[] bits)
    {
        for (var w = 0; w < mask.Length; w++)
        {
            mask[w] &= bits[w];
        }
    }

    private static void AndNot(Span<ulong> mask, ulong[] bits)
    {
        for (var w = 0; w < mask.Length; w++)
        {
            mask[w] &= ~bits[w];
        }
    }
}
