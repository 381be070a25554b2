using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

/// <summary>
/// All entities with one exact set of component types, stored in chunks. Columns exist for
/// types with data; zero-size tags live only in the signature; enableable tags get a bitmask per
/// chunk. New rows go to the last chunk while it has room.
/// </summary>
public sealed class Archetype
{
    private readonly int[] _columnIndexById;
    private readonly int[] _enableIndexById;
    private ArchetypeEdge?[]? _addEdges;
    private ArchetypeEdge?[]? _removeEdges;
    internal Chunk[] _chunks = [];
    internal int _chunkCount;
    internal int _entityCount;

    internal Archetype(World world, Signature signature, int index)
    {
        World = world;
        Signature = signature;
        Index = index;
        var registry = world.Registry;
        var columns = new List<int>();
        var enables = new List<int>();
        foreach (var id in signature.ToIds())
        {
            var type = registry[id];
            if (type.IsEnableable)
            {
                enables.Add(id);
            }
            else if (!type.IsTag)
            {
                columns.Add(id);
            }
        }
        ColumnIds = [.. columns];
        EnableIds = [.. enables];
        ColumnOps = new ColumnOps[ColumnIds.Length];
        ColumnRawSizes = new int[ColumnIds.Length];
        var layout = default(Signature);
        _columnIndexById = new int[Signature.MaxComponents];
        _enableIndexById = new int[Signature.MaxComponents];
        _columnIndexById.AsSpan().Fill(-1);
        _enableIndexById.AsSpan().Fill(-1);
        for (var i = 0; i < ColumnIds.Length; i++)
        {
            _columnIndexById[ColumnIds[i]] = i;
            ColumnOps[i] = registry.Ops(ColumnIds[i]);
            ColumnRawSizes[i] = ColumnOps[i].RawSize;
            layout = layout.With(ColumnIds[i]);
        }
        ColumnLayout = layout;
        AllColumnsRaw = Array.IndexOf(ColumnRawSizes, 0) < 0;
        for (var i = 0; i < EnableIds.Length; i++)
        {
            _enableIndexById[EnableIds[i]] = i;
        }
    }

    /// <summary>The world owning the archetype.</summary>
    public World World { get; }

    /// <summary>The component ids of the archetype.</summary>
    public Signature Signature { get; }

    /// <summary>Creation order in the world.</summary>
    public int Index { get; }

    /// <summary>Live entities in the archetype.</summary>
    public int EntityCount => _entityCount;

    /// <summary>Chunks in the archetype (some may be empty or partly filled).</summary>
    public int ChunkCount => _chunkCount;

    /// <summary>The <paramref name="index"/>-th chunk.</summary>
    public Chunk GetChunk(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_chunkCount, nameof(index));
        return _chunks[index];
    }

    internal int[] ColumnIds { get; }

    internal ColumnOps[] ColumnOps { get; }

    /// <summary>Per column: bytes to copy raw, or 0 to go through <see cref="ColumnOps"/>.</summary>
    internal int[] ColumnRawSizes { get; }

    /// <summary>True when every column copies as raw bytes (none holds references).</summary>
    internal bool AllColumnsRaw { get; }

    /// <summary>The column types alone: archetypes with equal layouts can trade chunks.</summary>
    internal Signature ColumnLayout { get; }

    internal int[] EnableIds { get; }

    internal Chunk? LastChunk => _chunkCount == 0 ? null : _chunks[_chunkCount - 1];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int ColumnIndexOf(int componentId)
    {
        return _columnIndexById[componentId];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int EnableIndexOf(int componentId)
    {
        return _enableIndexById[componentId];
    }

    internal ArchetypeEdge AddEdge(int componentId)
    {
        _addEdges ??= new ArchetypeEdge?[Signature.MaxComponents];
        return _addEdges[componentId] ??= new ArchetypeEdge(this, World.ArchetypeOf(Signature.With(componentId)));
    }

    internal ArchetypeEdge RemoveEdge(int componentId)
    {
        _removeEdges ??= new ArchetypeEdge?[Signature.MaxComponents];
        return _removeEdges[componentId] ??= new ArchetypeEdge(this, World.ArchetypeOf(Signature.Without(componentId)));
    }

    internal void AppendChunk(Chunk chunk)
    {
        if (_chunkCount == _chunks.Length)
        {
            Array.Resize(ref _chunks, Math.Max(4, _chunkCount * 2));
        }
        chunk._index = _chunkCount;
        _chunks[_chunkCount++] = chunk;
    }

    internal void RemoveChunkAt(int index)
    {
        _chunkCount--;
        for (var i = index; i < _chunkCount; i++)
        {
            _chunks[i] = _chunks[i + 1];
            _chunks[i]._index = i;
        }
        _chunks[_chunkCount] = null!;
    }
}
