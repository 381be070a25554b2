using System.Numerics;
using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Runs a phase's visitor over the pages still tagged <c>Migrate</c>: a query over the page
/// archetypes walking each chunk's enable mask, or, for a request of a few pages (a CPU fault), its
/// collected slots directly, so a one-page fault does not scan every page chunk.
/// </summary>
internal static class MigratingPages
{
    /// <summary>Every page archetype, without an enable filter: the enumerator then selects whole chunks and builds no row masks.</summary>
    private static readonly QueryDescription AllPages = new QueryDescription().WithAll<Page>();

    /// <summary>
    /// Pages in flight, read from the truth: the <c>Migrate</c> bits of a small request's collected
    /// slots, or the sum of every page chunk's enabled count (O(chunks), no page is visited).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Count(MigrateState s)
    {
        var n = 0;
        if (s.Collected <= MigrateState.SmallRequest)
        {
            var chunks = s.SmallChunks;
            var rows = s.SmallRows;
            Chunk? last = null;
            ReadOnlySpan<ulong> mask = default;
            for (var k = 0; k < s.Collected; k++)
            {
                // A request's pages mostly share a chunk: its mask is looked up once per change of chunk, not per page.
                if (chunks[k] != last)
                {
                    last = chunks[k];
                    mask = last.ReadEnabledMask<Migrate>();
                }
                var row = rows[k];
                n += (int)((mask[row >> 6] >> row) & 1);
            }
            return n;
        }
        foreach (var chunk in s.Mm.World.Query(AllPages))
        {
            n += chunk.EnabledCount<Migrate>();
        }
        return n;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForEach<TVisitor>(MigrateState s, in QueryDescription pages, ref TVisitor visitor)
        where TVisitor : IMigratingPageVisitor, allows ref struct
    {
        if (s.Collected <= MigrateState.SmallRequest)
        {
            var chunks = s.SmallChunks;
            var rows = s.SmallRows;
            Chunk? last = null;
            Span<Page> columns = default;
            ReadOnlySpan<ulong> mask = default;
            for (var k = 0; k < s.Collected; k++)
            {
                var chunk = chunks[k];
                if (chunk != last)
                {
                    // A request's pages mostly share a chunk: its columns are looked up once per change of chunk.
                    last = chunk;
                    columns = chunk.GetSpan<Page>();
                    mask = chunk.ReadEnabledMask<Migrate>();
                }
                var row = rows[k];
                if (((mask[row >> 6] >> row) & 1) != 0)
                {
                    visitor.Visit(ref columns[row], chunk, row, s.SmallSlots[k]);
                }
            }
            return;
        }
        foreach (var chunk in s.Mm.World.Query(pages))
        {
            if (chunk.EnabledCount<Migrate>() != 0)
            {
                VisitRows(s, chunk, 0, (chunk.Count + 63) >> 6, ref visitor);
            }
        }
    }

    /// <summary>Visits the migrating rows of mask words <c>[fromWord, toWord)</c> of <paramref name="chunk"/> in row order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void VisitRows<TVisitor>(MigrateState s, Chunk chunk, int fromWord, int toWord, ref TVisitor visitor)
        where TVisitor : IMigratingPageVisitor, allows ref struct
    {
        // A page's first mapping is usually the request's own PTE: its slot is then one subtraction away.
        var g0 = s.Vma.FirstPte + s.Start;
        var count = (ulong)s.Count;
        var mask = chunk.ReadEnabledMask<Migrate>();
        var rows = chunk.GetSpan<Page>();
        for (var w = fromWord; w < toWord; w++)
        {
            var bits = mask[w];
            while (bits != 0)
            {
                var row = (w << 6) + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
                ref var page = ref rows[row];
                var d = page.RmapHead - g0;
                visitor.Visit(ref page, chunk, row, (ulong)d < count ? (int)d : s.SlotOf(page));
            }
        }
    }
}
