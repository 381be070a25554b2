using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

public sealed partial class World
{
    /// <summary>Per entity id: packed location (chunk id and row) or -1 when dead, and the id's version.</summary>
    private struct EntitySlot
    {
        public int Location;
        public int Version;
    }

    private EntitySlot[] _slots = [];
    private int _slotCount;
    private int[] _freeIds = [];
    private int _freeCount;
    private int _alive;
    private Chunk?[] _chunkById = [];
    private int _chunkIdCount;
    private readonly Stack<int> _freeChunkIds = new();

    /// <summary>Creates an entity with no components.</summary>
    public Entity Create()
    {
        ThrowIfIterating();
        var e = NewEntity();
        AllocateRow(_empty, e, out _, out _);
        return e;
    }

    /// <summary>Destroys <paramref name="e"/>; its handle goes stale.</summary>
    public void Destroy(Entity e)
    {
        ThrowIfIterating();
        var location = LocationOf(e);
        RemoveRow(_chunkById[location >> _rowBits]!, location & _rowMask);
        ReleaseId(e.Id);
    }

    /// <summary>True when <paramref name="e"/> is a live entity of this world.</summary>
    public bool IsAlive(Entity e)
    {
        return (uint)e.Id < (uint)_slotCount && _slots[e.Id].Version == e.Version && _slots[e.Id].Location >= 0;
    }

    /// <summary>The chunk and row of <paramref name="e"/>, for direct column access.</summary>
    public EntityLocation Locate(Entity e)
    {
        var location = LocationOf(e);
        return new EntityLocation(_chunkById[location >> _rowBits]!, location & _rowMask);
    }

    /// <summary>Packed location of a live entity; throws for a stale or foreign handle.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int LocationOf(Entity e)
    {
        if ((uint)e.Id >= (uint)_slotCount)
        {
            ThrowStale(e);
        }
        ref var slot = ref _slots[e.Id];
        if (slot.Version != e.Version || slot.Location < 0)
        {
            ThrowStale(e);
        }
        return slot.Location;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Chunk ChunkAt(int location)
    {
        return _chunkById[location >> _rowBits]!;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int RowAt(int location)
    {
        return location & _rowMask;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetLocation(int id, Chunk chunk, int row)
    {
        _slots[id].Location = (chunk._id << _rowBits) | row;
    }

    private static void ThrowStale(Entity e)
    {
        throw new InvalidOperationException($"stale entity {e}: it was destroyed, or never belonged to this world");
    }

    /// <summary>Makes room for <paramref name="more"/> new ids without regrowing on each.</summary>
    internal void ReserveIds(int more)
    {
        var needed = _slotCount + Math.Max(0, more - _freeCount);
        if (needed > _slots.Length)
        {
            // Grow exactly for big bulk requests, doubling for one-by-one creation.
            var size = more > 1 ? needed : Math.Max(needed, Math.Max(64, _slots.Length * 2));
            Array.Resize(ref _slots, size);
        }
    }

    internal Entity NewEntity()
    {
        _alive++;
        if (_freeCount > 0)
        {
            var id = _freeIds[--_freeCount];
            return new Entity(id, _slots[id].Version);
        }
        if (_slotCount == _slots.Length)
        {
            ReserveIds(1);
        }
        var fresh = _slotCount++;
        _slots[fresh].Version = 1;
        return new Entity(fresh, 1);
    }

    internal void ReleaseId(int id)
    {
        ref var slot = ref _slots[id];
        slot.Location = -1;
        slot.Version++;
        if (_freeCount == _freeIds.Length)
        {
            Array.Resize(ref _freeIds, Math.Max(64, _freeIds.Length * 2));
        }
        _freeIds[_freeCount++] = id;
        _alive--;
    }

    private Chunk NewChunk(Archetype archetype)
    {
        int id;
        if (_freeChunkIds.Count > 0)
        {
            id = _freeChunkIds.Pop();
        }
        else
        {
            id = _chunkIdCount++;
            if ((long)id << _rowBits > int.MaxValue)
            {
                throw new InvalidOperationException("the world ran out of chunk ids");
            }
            if (id == _chunkById.Length)
            {
                Array.Resize(ref _chunkById, Math.Max(16, _chunkById.Length * 2));
            }
        }
        var chunk = new Chunk(archetype, id, ChunkCapacity);
        _chunkById[id] = chunk;
        archetype.AppendChunk(chunk);
        return chunk;
    }

    private void FreeChunk(Chunk chunk)
    {
        _chunkById[chunk._id] = null;
        _freeChunkIds.Push(chunk._id);
    }

    /// <summary>The chunk new rows of <paramref name="archetype"/> go to (its last, or a fresh one).</summary>
    internal Chunk ChunkWithRoom(Archetype archetype)
    {
        var last = archetype.LastChunk;
        return last is not null && last._count < last.Capacity ? last : NewChunk(archetype);
    }

    /// <summary>Appends <paramref name="e"/> to <paramref name="archetype"/>, all enable bits set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void AllocateRow(Archetype archetype, Entity e, out Chunk chunk, out int row)
    {
        chunk = ChunkWithRoom(archetype);
        row = chunk._count++;
        chunk._entities[row] = e;
        archetype._entityCount++;
        var masks = chunk._masks;
        for (var i = 0; i < masks.Length; i++)
        {
            masks[i][row >> 6] |= 1UL << row;
            chunk._enabledCounts[i]++;
        }
        SetLocation(e.Id, chunk, row);
    }

    /// <summary>Removes a row by moving the chunk's last row into it; other chunks are untouched.</summary>
    internal void RemoveRow(Chunk chunk, int row)
    {
        var last = chunk._count - 1;
        var archetype = chunk._archetype;
        var columns = chunk._columns;
        var ops = archetype.ColumnOps;
        var masks = chunk._masks;
        if (row != last)
        {
            for (var c = 0; c < columns.Length; c++)
            {
                ops[c].CopyRow(columns[c], last, columns[c], row);
            }
            var moved = chunk._entities[last];
            chunk._entities[row] = moved;
            SetLocation(moved.Id, chunk, row);
        }
        for (var c = 0; c < columns.Length; c++)
        {
            ops[c].ClearRow(columns[c], last);
        }
        for (var i = 0; i < masks.Length; i++)
        {
            var mask = masks[i];
            var rowBit = 1UL << row;
            if ((mask[row >> 6] & rowBit) != 0)
            {
                chunk._enabledCounts[i]--;
            }
            var lastBit = 1UL << last;
            var lastOn = (mask[last >> 6] & lastBit) != 0;
            mask[last >> 6] &= ~lastBit;
            if (row != last)
            {
                mask[row >> 6] = lastOn ? mask[row >> 6] | rowBit : mask[row >> 6] & ~rowBit;
            }
        }
        chunk._entities[last] = default;
        chunk._count = last;
        archetype._entityCount--;
        if (last == 0 && chunk._index != archetype._chunkCount - 1)
        {
            // An empty chunk in the middle is dropped; the last one stays to take the next rows.
            archetype.RemoveChunkAt(chunk._index);
            FreeChunk(chunk);
        }
    }

    /// <summary>Moves the entity at (<paramref name="chunk"/>, <paramref name="row"/>) along <paramref name="edge"/>.</summary>
    internal void MoveRow(Chunk chunk, int row, ArchetypeEdge edge, out Chunk toChunk, out int toRow)
    {
        var e = chunk._entities[row];
        AllocateRow(edge.Target, e, out toChunk, out toRow);
        var sourceColumns = edge.SourceColumns;
        var targetOps = edge.Target.ColumnOps;
        for (var c = 0; c < sourceColumns.Length; c++)
        {
            var s = sourceColumns[c];
            if (s >= 0)
            {
                targetOps[c].CopyRow(chunk._columns[s], row, toChunk._columns[c], toRow);
            }
        }
        var sourceEnables = edge.SourceEnables;
        for (var i = 0; i < sourceEnables.Length; i++)
        {
            var s = sourceEnables[i];
            if (s >= 0 && !chunk.IsEnabled(s, row))
            {
                toChunk.SetEnabled(i, toRow, false);
            }
        }
        RemoveRow(chunk, row);
    }
    /// <summary>Creates <c>created.Length</c> entities in rows <paramref name="start"/>.. of <paramref name="chunk"/>, enable bits set.</summary>
    internal void PlaceNew(Chunk chunk, int start, Span<Entity> created)
    {
        var take = created.Length;
        for (var i = 0; i < take; i++)
        {
            var e = NewEntity();
            created[i] = e;
            chunk._entities[start + i] = e;
            SetLocation(e.Id, chunk, start + i);
        }
        var masks = chunk._masks;
        for (var m = 0; m < masks.Length; m++)
        {
            MaskBits.SetRange(masks[m], start, take);
            chunk._enabledCounts[m] += take;
        }
        chunk._count += take;
        chunk._archetype._entityCount += take;
    }
}
