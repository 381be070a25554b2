using System.Numerics;
using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

public sealed partial class World
{
    private readonly Dictionary<QueryDescription, Query> _queries = [];

    /// <summary>The world's cached query for <paramref name="description"/>.</summary>
    public Query Query(in QueryDescription description)
    {
        if (!_queries.TryGetValue(description, out var query))
        {
            query = new Query(this, description);
            _queries.Add(description, query);
        }
        return query;
    }

    /// <summary>Rows the query selects (enable bits respected).</summary>
    public int CountEntities(in QueryDescription description)
    {
        var query = Query(description);
        var scratch = query.Scratch;
        var total = 0;
        foreach (var match in query.Matches)
        {
            var archetype = match.Archetype;
            for (var c = 0; c < archetype._chunkCount; c++)
            {
                var chunk = archetype._chunks[c];
                switch (match.Select(chunk, scratch))
                {
                    case ChunkSelection.All:
                        total += chunk._count;
                        break;
                    case ChunkSelection.Mask:
                        for (var w = 0; w < MaskBits.Words(chunk._count); w++)
                        {
                            total += BitOperations.PopCount(scratch[w]);
                        }
                        break;
                }
            }
        }
        return total;
    }

    /// <summary>Calls <paramref name="job"/> once per chunk with selected rows (and the row mask when not all are).</summary>
    public void InlineChunkQuery<TJob>(in QueryDescription description, ref TJob job) where TJob : struct, IChunkJob
    {
        var query = Query(description);
        var scratch = query.Scratch;
        var matches = query.Matches;
        EnterIteration();
        try
        {
            for (var m = 0; m < matches.Count; m++)
            {
                var match = matches[m];
                var archetype = match.Archetype;
                for (var c = 0; c < archetype._chunkCount; c++)
                {
                    var chunk = archetype._chunks[c];
                    var select = match.Select(chunk, scratch);
                    if (select == ChunkSelection.All)
                    {
                        job.Execute(chunk, default, false);
                    }
                    else if (select == ChunkSelection.Mask)
                    {
                        job.Execute(chunk, scratch.AsSpan(0, MaskBits.Words(chunk._count)), true);
                    }
                }
            }
        }
        finally
        {
            ExitIteration();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ColumnOrThrow<T>(Archetype archetype, int id) where T : struct
    {
        var column = archetype.ColumnIndexOf(id);
        if (column < 0)
        {
            ThrowNotInQuery(typeof(T));
        }
        return column;
    }

    private static void ThrowNotInQuery(Type type)
    {
        throw new InvalidOperationException($"a matched archetype has no column of {type.Name}: add it to the query's WithAll (tags have no column)");
    }
}
