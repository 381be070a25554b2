using HmmEcs.Components.Memory;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// The pages in flight of a large request cut into parts of <see cref="HelperThreads.PartRows"/> chunk rows, for a phase that runs
/// on two cores (<see cref="PartitionedWork"/>): the parts are disjoint row ranges of the page chunks, so two threads
/// never visit the same page. Kept by the phase and refilled each call (no allocation once grown).
/// </summary>
internal sealed class MigratingParts
{
    private readonly List<(Chunk Chunk, int FromWord, int ToWord)> _parts = [];

    /// <summary>Parts of the last <see cref="Split"/>.</summary>
    public int Count => _parts.Count;

    /// <summary>
    /// True when the phase's pages should be split over the machine's cores: a large request, more than one core, and
    /// tokens for content (byte payloads share one slot allocator).
    /// </summary>
    public static bool Worth(MigrateState s) =>
        s.Mm.HelperThreads.ShareSlots(s) && s.Collected > MigrateState.SmallRequest && s.Collected >= s.Mm.HelperThreads.FromPages;

    /// <summary>Cuts the page chunks that hold pages in flight into parts.</summary>
    public void Split(MigrateState s, in QueryDescription pages)
    {
        _parts.Clear();
        var partWords = Math.Max(1, s.Mm.HelperThreads.PartRows >> 6);
        foreach (var chunk in s.Mm.World.Query(pages))
        {
            if (chunk.EnabledCount<Migrate>() == 0)
            {
                continue;
            }
            var words = (chunk.Count + 63) >> 6;
            for (var w = 0; w < words; w += partWords)
            {
                _parts.Add((chunk, w, Math.Min(words, w + partWords)));
            }
        }
    }

    /// <summary>The chunk part <paramref name="part"/> lies in.</summary>
    public Chunk ChunkOf(int part) => _parts[part].Chunk;

    /// <summary>Visits the pages in flight of part <paramref name="part"/> in row order.</summary>
    public void ForEach<TVisitor>(MigrateState s, int part, ref TVisitor visitor)
        where TVisitor : IMigratingPageVisitor, allows ref struct
    {
        var (chunk, from, to) = _parts[part];
        MigratingPages.VisitRows(s, chunk, from, to, ref visitor);
    }
}
