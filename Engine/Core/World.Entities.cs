using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HmmEcs.Engine;

public sealed partial class World
{
    /// <summary>Per entity id: packed location (chunk id and row) or -1 when dead, and the id's version.</summary>
    [StructLayout(LayoutKind.Sequential)]
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
    private readonly Dictionary<Signature, Stack<Chunk>> _chunkPool = [];
    private const int MaxPooledChunks = 8;

    /// <summary>Creates an entity with no components.</summary>
    public Entity Create()
    {
        ThrowIfIterating();
        var e = NewEntity();
        AllocateRow(_empty, e);
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
        // _slotCount never exceeds _slots.Length, so the check above covers the array's own.
        // One 8-byte load checks both (little-endian: x64 and Arm64): the high half is the version, the low half the location,
        // whose sign bit marks a dead id. Zero above bit 30 after the xor means same version, alive.
        var packed = Unsafe.As<EntitySlot, ulong>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), e.Id));
        if (((packed ^ ((ulong)(uint)e.Version << 32)) >> 31) != 0)
        {
            ThrowStale(e);
        }
        return (int)packed;
    }

    /// <summary>The chunk of a packed location taken from a live entity's slot (its chunk id is always in the table).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Chunk ChunkAt(int location)
    {
        return Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_chunkById), location >> _rowBits)!;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetLocation(int id, Chunk chunk, int row)
    {
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), id).Location = (chunk._id << _rowBits) | row;
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
            // Growth by half (not doubling): at 10^7–10^8 entities a doubled table is hundreds of MB of fresh memory
            // never used. A bulk request larger than that gets its size and a sixteenth to spare for the small creates after it.
            var size = Math.Max(64, Math.Max(needed + (needed >> 4), _slots.Length + (_slots.Length >> 1)));
            Array.Resize(ref _slots, size);
        }
    }

    /// <summary>
    /// Makes room in the id table for <paramref name="more"/> further entities in one step, for a caller that knows
    /// how many it will create in several calls (a machine creating its page frames).
    /// </summary>
    public void ReserveEntities(int more)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(more);
        ReserveIds(more);
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

    /// <summary>Forgets a removed row: its id goes back to the pool, or, for a row made without a handle (<see cref="CreateRows{T0}"/>), only the count drops.</summary>
    internal void ReleaseRow(Entity e)
    {
        if (e.Version == 0)
        {
            _alive--;
            return;
        }
        ReleaseId(e.Id);
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
        if (_chunkPool.TryGetValue(archetype.ColumnLayout, out var pool) && pool.Count > 0)
        {
            var reused = pool.Pop();
            reused._archetype = archetype;
            reused.ResetEnableCache();
            if (reused._masks.Length != archetype.EnableIds.Length)
            {
                reused._masks = Chunk.NewMasks(archetype.EnableIds.Length, ChunkCapacity);
                reused.EnabledCounts = new int[archetype.EnableIds.Length];
            }
            archetype.AppendChunk(reused);
            return reused;
        }
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

    /// <summary>
    /// Keeps a few emptied chunks per column layout for the next archetype of that layout, so entities
    /// moving back and forth do not allocate and zero fresh chunks. Their rows are already clear.
    /// </summary>
    private void RecycleChunk(Chunk chunk)
    {
        var layout = chunk._archetype.ColumnLayout;
        if (!_chunkPool.TryGetValue(layout, out var pool))
        {
            pool = new Stack<Chunk>();
            _chunkPool.Add(layout, pool);
        }
        if (pool.Count < MaxPooledChunks)
        {
            pool.Push(chunk);
        }
        else
        {
            FreeChunk(chunk);
        }
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

    /// <summary>Appends <paramref name="e"/> to <paramref name="archetype"/>, all enable bits set; the row is the chunk's last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal Chunk AllocateRow(Archetype archetype, Entity e)
    {
        var chunk = ChunkWithRoom(archetype);
        var row = chunk._count++;
        chunk._entities[row] = e;
        archetype._entityCount++;
        var masks = chunk._masks;
        if (masks.Length > 0)
        {
            // Counts first: a stale recount after the new bit is set would count it twice.
            var counts = chunk.EnabledCounts;
            for (var i = 0; i < masks.Length; i++)
            {
                masks[i][row >> 6] |= 1UL << row;
                counts[i]++;
            }
        }
        // A row without a handle (CreateRows) has no slot to point at its new place.
        if (e.Version != 0)
        {
            SetLocation(e.Id, chunk, row);
        }
        return chunk;
    }

    /// <summary>Removes a row by moving the chunk's last row into it; other chunks are untouched.</summary>
    internal void RemoveRow(Chunk chunk, int row)
    {
        var last = chunk._count - 1;
        var columns = chunk._columns;
        var ops = chunk._archetype.ColumnOps;
        var sizes = chunk._archetype.ColumnRawSizes;
        for (var c = 0; c < columns.Length; c++)
        {
            if (sizes[c] != 0)
            {
                if (row != last)
                {
                    RowCopy.Copy(columns[c], last, columns[c], row, sizes[c]);
                }
                RowCopy.Clear(columns[c], last, sizes[c]);
            }
            else
            {
                if (row != last)
                {
                    ops[c].CopyRow(columns[c], last, columns[c], row);
                }
                ops[c].ClearRow(columns[c], last);
            }
        }
        CloseRowGap(chunk, row, last);
    }

    /// <summary>
    /// The rest of a row removal once the columns are done: the last row's entity and enable bits
    /// move into <paramref name="row"/>, the last row is cleared and the chunk shrinks by one.
    /// </summary>
    private void CloseRowGap(Chunk chunk, int row, int last)
    {
        var archetype = chunk._archetype;
        var entities = chunk._entities;
        if (row != last)
        {
            var moved = entities[last];
            entities[row] = moved;
            if (moved.Version != 0)
            {
                SetLocation(moved.Id, chunk, row);
            }
        }
        var masks = chunk._masks;
        if (masks.Length > 0)
        {
            var counts = chunk.EnabledCounts;
            for (var i = 0; i < masks.Length; i++)
            {
                var mask = masks[i];
                var rowBit = 1UL << row;
                if ((mask[row >> 6] & rowBit) != 0)
                {
                    counts[i]--;
                }
                var lastBit = 1UL << last;
                var lastOn = (mask[last >> 6] & lastBit) != 0;
                mask[last >> 6] &= ~lastBit;
                if (row != last)
                {
                    mask[row >> 6] = lastOn ? mask[row >> 6] | rowBit : mask[row >> 6] & ~rowBit;
                }
            }
        }
        entities[last] = default;
        chunk._count = last;
        archetype._entityCount--;
        if (last == 0 && chunk._index != archetype._chunkCount - 1)
        {
            // An empty chunk in the middle leaves the list; the last one stays to take the next rows.
            archetype.RemoveChunkAt(chunk._index);
            RecycleChunk(chunk);
        }
    }

    /// <summary>Moves the entity at (<paramref name="chunk"/>, <paramref name="row"/>) along <paramref name="edge"/>; returns its new chunk (the row is that chunk's last).</summary>
    internal Chunk MoveRow(Chunk chunk, int row, ArchetypeEdge edge)
    {
        var e = chunk._entities[row];
        var target = edge.Target;
        var toChunk = AllocateRow(target, e);
        var toRow = toChunk._count - 1;
        var sourceEnables = edge.SourceEnables;
        for (var i = 0; i < sourceEnables.Length; i++)
        {
            var s = sourceEnables[i];
            if (s >= 0 && !chunk.IsEnabled(s, row))
            {
                toChunk.SetEnabled(i, toRow, false);
            }
        }
        if (edge.SameRawColumns)
        {
            // A tag flip: column c maps to column c. One pass per column moves the row out, fills
            // the hole from the last row and clears the last row.
            var last = chunk._count - 1;
            var from = chunk._columns;
            var to = toChunk._columns;
            var sizes = target.ColumnRawSizes;
            if (to.Length == from.Length && sizes.Length == from.Length)
            {
                for (var c = 0; c < from.Length; c++)
                {
                    var column = from[c];
                    var size = sizes[c];
                    RowCopy.Copy(column, row, to[c], toRow, size);
                    if (row != last)
                    {
                        RowCopy.Copy(column, last, column, row, size);
                    }
                    RowCopy.Clear(column, last, size);
                }
            }
            CloseRowGap(chunk, row, last);
            return toChunk;
        }
        var sourceColumns = edge.SourceColumns;
        var targetOps = target.ColumnOps;
        var targetSizes = target.ColumnRawSizes;
        for (var c = 0; c < sourceColumns.Length; c++)
        {
            var s = sourceColumns[c];
            if (s < 0)
            {
                continue;
            }
            if (targetSizes[c] != 0)
            {
                RowCopy.Copy(chunk._columns[s], row, toChunk._columns[c], toRow, targetSizes[c]);
            }
            else
            {
                targetOps[c].CopyRow(chunk._columns[s], row, toChunk._columns[c], toRow);
            }
        }
        RemoveRow(chunk, row);
        return toChunk;
    }
    /// <summary>Creates <c>created.Length</c> entities in rows <paramref name="start"/>.. of <paramref name="chunk"/>, enable bits set.</summary>
    /// <remarks>
    /// Optimized at first call: a bulk create is often the only call of this loop in a process (one
    /// mmap of 1M pages), which would otherwise run it as tier-0 or OSR code.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void PlaceNew(Chunk chunk, int start, Span<Entity> created)
    {
        var take = created.Length;
        var entities = chunk._entities.AsSpan(start, take);
        var i = 0;
        // Reused ids first, in the order NewEntity hands them out.
        for (; i < take && _freeCount > 0; i++)
        {
            var e = NewEntity();
            created[i] = e;
            entities[i] = e;
            SetLocation(e.Id, chunk, start + i);
        }
        if (i < take)
        {
            // The rest are fresh ids in one run: version 1, consecutive rows of this chunk.
            var fresh = take - i;
            if (_slotCount + fresh > _slots.Length)
            {
                ReserveIds(fresh);
            }
            var firstId = _slotCount;
            var slots = _slots.AsSpan(firstId, fresh);
            var firstLocation = (chunk._id << _rowBits) | (start + i);
            var createdRest = created[i..];
            var entitiesRest = entities[i..];
            for (var k = 0; k < slots.Length; k++)
            {
                slots[k] = new EntitySlot { Location = firstLocation + k, Version = 1 };
                var e = new Entity(firstId + k, 1);
                createdRest[k] = e;
                entitiesRest[k] = e;
            }
            _slotCount += fresh;
            _alive += fresh;
        }
        AddRows(chunk, start, take);
    }

    /// <summary>
    /// Adds <paramref name="take"/> rows at <paramref name="start"/>.. of <paramref name="chunk"/> with no entity
    /// handle: no id, no slot, the entity column left as it is (zero: <see cref="Entity"/> version 0, never a live
    /// handle), enable bits set. Their columns hold the components' default values until the caller writes them.
    /// </summary>
    internal void PlaceRows(Chunk chunk, int start, int take)
    {
        AddRows(chunk, start, take);
        _alive += take;
    }

    /// <summary>The rows <paramref name="start"/>.. of <paramref name="chunk"/> join it: enable bits set and counted, counts grown.</summary>
    private static void AddRows(Chunk chunk, int start, int take)
    {
        var masks = chunk._masks;
        var counts = masks.Length > 0 ? chunk.EnabledCounts : [];
        for (var m = 0; m < masks.Length; m++)
        {
            MaskBits.SetRange(masks[m], start, take);
            counts[m] += take;
        }
        chunk._count += take;
        chunk._archetype._entityCount += take;
    }
}
