using System.Numerics;

namespace HmmEcs.Engine;

public sealed partial class World
{
    private ulong[]? _bulkScratch;
    private ulong[]? _rowSnapshot;
    private readonly List<Chunk> _maskedChunks = [];

    /// <summary>Mask buffer of bulk operations (apart from the queries' own, which may be mid-iteration).</summary>
    private ulong[] BulkScratch => _bulkScratch ??= new ulong[ChunkCapacity >> 6];

    /// <summary>Sets or clears enableable tag <typeparamref name="T"/> on every row the query selects, 64 rows per word store.</summary>
    /// <remarks>Not a structural change: allowed while iterating.</remarks>
    public void SetEnabled<T>(in QueryDescription description, bool on) where T : struct
    {
        var id = EnableableIdOf<T>();
        var query = Query(description);
        var scratch = BulkScratch;
        foreach (var match in query.Matches)
        {
            var enable = match.Archetype.EnableIndexOf(id);
            if (enable >= 0)
            {
                SetEnabledSelected(match, enable, on, scratch);
            }
        }
    }

    /// <summary>
    /// Adds <typeparamref name="T"/> (default value) to every entity the query selects. Whole chunks
    /// whose archetypes differ only by zero-size tags are relabelled in place (no row moves); other
    /// rows move one by one. For an enableable tag already in the archetype this sets the bits.
    /// </summary>
    public void Add<T>(in QueryDescription description) where T : struct
    {
        ThrowIfIterating();
        var id = Registry.IdOf<T>();
        var enableable = Registry[id].IsEnableable;
        var scratch = BulkScratch;
        foreach (var match in Query(description).Matches.ToArray())
        {
            var archetype = match.Archetype;
            if (archetype.Signature.Has(id))
            {
                if (enableable)
                {
                    SetEnabledSelected(match, archetype.EnableIndexOf(id), true, scratch);
                }
                continue;
            }
            MoveSelected(match, archetype.AddEdge(id), scratch);
        }
    }

    /// <summary>
    /// Removes <typeparamref name="T"/> from every entity the query selects (relabelling whole chunks
    /// where only zero-size tags differ). For an enableable tag this clears the bits.
    /// </summary>
    public void Remove<T>(in QueryDescription description) where T : struct
    {
        ThrowIfIterating();
        var id = Registry.IdOf<T>();
        var scratch = BulkScratch;
        foreach (var match in Query(description).Matches.ToArray())
        {
            var archetype = match.Archetype;
            if (!archetype.Signature.Has(id))
            {
                continue;
            }
            var enable = archetype.EnableIndexOf(id);
            if (enable >= 0)
            {
                SetEnabledSelected(match, enable, false, scratch);
                continue;
            }
            MoveSelected(match, archetype.RemoveEdge(id), scratch);
        }
    }

    /// <summary>Destroys every entity the query selects; whole chunks are dropped at once.</summary>
    public void Destroy(in QueryDescription description)
    {
        ThrowIfIterating();
        var scratch = BulkScratch;
        foreach (var match in Query(description).Matches)
        {
            PartitionChunks(match, scratch, static (world, chunk, _) =>
            {
                for (var r = 0; r < chunk._count; r++)
                {
                    world.ReleaseRow(chunk._entities[r]);
                }
                world.FreeChunk(chunk);
            }, null);
            foreach (var chunk in _maskedChunks)
            {
                match.Select(chunk, scratch);
                ForSelectedDescending(scratch, chunk._count, chunk, static (world, chunk, row, _) =>
                {
                    var e = chunk._entities[row];
                    world.RemoveRow(chunk, row);
                    world.ReleaseRow(e);
                }, null);
            }
        }
    }

    /// <summary>
    /// Splits a matched archetype's chunks by the query: a chunk it selects whole leaves the archetype
    /// through <paramref name="takeWhole"/>; chunks it selects in part stay and are listed in
    /// <c>_maskedChunks</c> for row-by-row work; the kept chunks are compacted in order.
    /// </summary>
    private void PartitionChunks(ArchetypeMatch match, ulong[] scratch, Action<World, Chunk, ArchetypeEdge?> takeWhole, ArchetypeEdge? edge)
    {
        var archetype = match.Archetype;
        var chunks = archetype._chunks;
        var kept = 0;
        _maskedChunks.Clear();
        for (var c = 0; c < archetype._chunkCount; c++)
        {
            var chunk = chunks[c];
            var select = match.Select(chunk, scratch);
            if (select == ChunkSelection.All)
            {
                archetype._entityCount -= chunk._count;
                takeWhole(this, chunk, edge);
                continue;
            }
            if (select == ChunkSelection.Mask)
            {
                _maskedChunks.Add(chunk);
            }
            chunk._index = kept;
            chunks[kept++] = chunk;
        }
        Array.Clear(chunks, kept, archetype._chunkCount - kept);
        archetype._chunkCount = kept;
    }

    private int EnableableIdOf<T>() where T : struct
    {
        var id = Registry.IdOf<T>();
        if (!Registry[id].IsEnableable)
        {
            throw new InvalidOperationException($"{typeof(T).Name} is not registered as enableable");
        }
        return id;
    }

    private static void SetEnabledSelected(ArchetypeMatch match, int enable, bool on, ulong[] scratch)
    {
        var archetype = match.Archetype;
        for (var c = 0; c < archetype._chunkCount; c++)
        {
            var chunk = archetype._chunks[c];
            var select = match.Select(chunk, scratch);
            if (select == ChunkSelection.All)
            {
                chunk.SetAllEnabled(enable, on);
            }
            else if (select == ChunkSelection.Mask)
            {
                var bits = chunk._masks[enable];
                var words = MaskBits.Words(chunk._count);
                var n = 0;
                for (var w = 0; w < words; w++)
                {
                    var word = on ? bits[w] | scratch[w] : bits[w] & ~scratch[w];
                    bits[w] = word;
                    n += BitOperations.PopCount(word);
                }
                chunk.EnabledCounts[enable] = n;
            }
        }
    }

    /// <summary>Moves the selected rows of one matched archetype along <paramref name="edge"/>.</summary>
    private void MoveSelected(ArchetypeMatch match, ArchetypeEdge edge, ulong[] scratch)
    {
        var archetype = match.Archetype;
        if (edge.SameColumns)
        {
            // Whole chunks change archetype in place; partly selected ones move row by row after.
            PartitionChunks(match, scratch, static (world, chunk, edge) => world.Relabel(chunk, edge!), edge);
            foreach (var chunk in _maskedChunks)
            {
                match.Select(chunk, scratch);
                ForSelectedDescending(scratch, chunk._count, chunk, static (world, chunk, row, edge) => world.MoveRow(chunk, row, edge!), edge);
            }
            return;
        }
        var index = 0;
        while (index < archetype._chunkCount)
        {
            var chunk = archetype._chunks[index];
            var select = match.Select(chunk, scratch);
            if (select == ChunkSelection.All)
            {
                for (var r = chunk._count - 1; r >= 0; r--)
                {
                    MoveRow(chunk, r, edge);
                }
            }
            else if (select == ChunkSelection.Mask)
            {
                ForSelectedDescending(scratch, chunk._count, chunk, static (world, chunk, row, edge) => world.MoveRow(chunk, row, edge!), edge);
            }
            // An emptied chunk leaves the list (unless last), so the next one slides into this index.
            if (index < archetype._chunkCount && archetype._chunks[index] == chunk)
            {
                index++;
            }
        }
    }

    /// <summary>
    /// Hands a whole chunk to the edge's target archetype: O(1) plus its enable masks, no row copies,
    /// no entity-table writes (locations name the chunk, and the chunk names its archetype).
    /// </summary>
    private void Relabel(Chunk chunk, ArchetypeEdge edge)
    {
        var target = edge.Target;
        var last = target.LastChunk;
        if (last is not null && last._count == 0)
        {
            // An idle empty tail chunk would otherwise sit in the middle of the list forever.
            target.RemoveChunkAt(last._index);
            FreeChunk(last);
        }
        var sourceEnables = edge.SourceEnables;
        var masks = new ulong[sourceEnables.Length][];
        var counts = new int[sourceEnables.Length];
        for (var i = 0; i < sourceEnables.Length; i++)
        {
            var s = sourceEnables[i];
            if (s >= 0)
            {
                masks[i] = chunk._masks[s];
                counts[i] = chunk.EnabledCounts[s];
            }
            else
            {
                masks[i] = new ulong[chunk.Capacity >> 6];
                Chunk.FillRows(masks[i], chunk._count);
                counts[i] = chunk._count;
            }
        }
        chunk._masks = masks;
        chunk.EnabledCounts = counts;
        chunk.ResetEnableCache();
        chunk._archetype = target;
        target.AppendChunk(chunk);
        target._entityCount += chunk._count;
    }

    /// <summary>Visits the rows set in <paramref name="mask"/> from the highest down, so swap-removal never disturbs a row still to visit.</summary>
    private void ForSelectedDescending(ulong[] mask, int rows, Chunk chunk, Action<World, Chunk, int, ArchetypeEdge?> visit, ArchetypeEdge? edge)
    {
        // Snapshot first, so the visit may use the bulk scratch again.
        var bits = (_rowSnapshot ??= new ulong[ChunkCapacity >> 6]).AsSpan(0, MaskBits.Words(rows));
        mask.AsSpan(0, bits.Length).CopyTo(bits);
        for (var w = bits.Length - 1; w >= 0; w--)
        {
            var word = bits[w];
            while (word != 0)
            {
                var high = 63 - BitOperations.LeadingZeroCount(word);
                word &= ~(1UL << high);
                visit(this, chunk, (w << 6) + high, edge);
            }
        }
    }
}
