namespace HmmEcs.Engine;

/// <summary>
/// Walks a query's chunks that have selected rows, in archetype-creation then chunk order. While
/// it runs, structural changes throw; <see cref="UseMask"/> and <see cref="Mask"/> tell which rows
/// of <see cref="Current"/> the query selects.
/// </summary>
public struct ChunkEnumerator : IDisposable
{
    private readonly Query _query;
    private List<ArchetypeMatch>? _matches;
    private int _match;
    private int _chunk;
    private Chunk? _current;
    private ChunkSelection _selection;
    private bool _done;

    internal ChunkEnumerator(Query query)
    {
        _query = query;
        _chunk = -1;
    }

    /// <summary>The chunk at the cursor.</summary>
    public readonly Chunk Current => _current!;

    /// <summary>True when only the rows set in <see cref="Mask"/> are selected; false when all rows are.</summary>
    public readonly bool UseMask => _selection == ChunkSelection.Mask;

    /// <summary>The selected rows of <see cref="Current"/> when <see cref="UseMask"/> (valid until the next move).</summary>
    public readonly ReadOnlySpan<ulong> Mask => UseMask ? _query.Scratch.AsSpan(0, MaskBits.Words(_current!._count)) : default;

    /// <summary>Advances to the next chunk with selected rows.</summary>
    public bool MoveNext()
    {
        if (_done)
        {
            return false;
        }
        if (_matches is null)
        {
            _matches = _query.Matches;
            _query.World.EnterIteration();
        }
        while (_match < _matches.Count)
        {
            var match = _matches[_match];
            var archetype = match.Archetype;
            _chunk++;
            if (_chunk < archetype._chunkCount)
            {
                var chunk = archetype._chunks[_chunk];
                _selection = match.Select(chunk, _query.Scratch);
                if (_selection != ChunkSelection.None)
                {
                    _current = chunk;
                    return true;
                }
            }
            else
            {
                _match++;
                _chunk = -1;
            }
        }
        Finish();
        return false;
    }

    /// <summary>Ends the iteration (also when a foreach loop is left early).</summary>
    public void Dispose()
    {
        Finish();
    }

    private void Finish()
    {
        if (!_done)
        {
            _done = true;
            _current = null;
            if (_matches is not null)
            {
                _query.World.ExitIteration();
            }
        }
    }
}
