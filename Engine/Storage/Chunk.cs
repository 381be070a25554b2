using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HmmEcs.Engine;

/// <summary>
/// A fixed-capacity block of rows of one archetype: one array per column type (structure of
/// arrays), an entity column, and per enableable tag a bitmask over the rows plus its set-bit
/// count. A chunk keeps its global id for life, so an entity's location survives the chunk being
/// relabelled to another archetype.
/// </summary>
public sealed class Chunk
{
    internal Archetype _archetype;
    internal int _count;
    internal int _index;
    internal readonly int _id;
    internal readonly Entity[] _entities;
    internal readonly Array[] _columns;
    internal ulong[][] _masks;
    private int[] _enabledCounts;
    private bool _countsStale;
    private long _columnCache = -1;
    internal long _enableCache = -1;
    // A second entry: the migration phases test one tag (Migrate) and flip another (Locked) row by row on the same
    // chunk, which made a single entry miss on every other call.
    internal long _enableCache2 = -1;

    internal Chunk(Archetype archetype, int id, int capacity)
    {
        _archetype = archetype;
        _id = id;
        Capacity = capacity;
        _entities = new Entity[capacity];
        var ids = archetype.ColumnIds;
        _columns = new Array[ids.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            _columns[i] = archetype.ColumnOps[i].Create(capacity);
        }
        _masks = NewMasks(archetype.EnableIds.Length, capacity);
        _enabledCounts = new int[archetype.EnableIds.Length];
    }

    /// <summary>
    /// Set bits per enable mask. Single-row flips keep them exact; a caller that wrote a mask through
    /// <see cref="GetEnabledMask{T}"/> marks them stale, and the next reader recounts, 64 rows per popcount.
    /// </summary>
    internal int[] EnabledCounts
    {
        get
        {
            if (_countsStale)
            {
                RecountAll();
            }
            return _enabledCounts;
        }
        set
        {
            _enabledCounts = value;
            _countsStale = false;
        }
    }

    /// <summary>Rows in use.</summary>
    public int Count => _count;

    /// <summary>Rows the chunk can hold.</summary>
    public int Capacity { get; }

    /// <summary>The archetype the chunk belongs to now.</summary>
    public Archetype Archetype => _archetype;

    /// <summary>Position of the chunk in its archetype's chunk list.</summary>
    public int Index => _index;

    /// <summary>The world-wide id of the chunk (stable for its life).</summary>
    public int Id => _id;

    /// <summary>The entity of each row in use.</summary>
    public ReadOnlySpan<Entity> Entities => new(_entities, 0, _count);

    /// <summary>The column of <typeparamref name="T"/>, length <see cref="Count"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<T> GetSpan<T>() where T : struct
    {
        return new Span<T>(Unsafe.As<T[]>(_columns[ColumnIndex<T>()]), 0, _count);
    }

    /// <summary>
    /// The column of <typeparamref name="T"/> as its array (length <see cref="Capacity"/>, rows past <see cref="Count"/>
    /// unused), for a hot loop that keeps it across calls; valid until the chunk's archetype changes.
    /// </summary>
    public T[] GetColumnArray<T>() where T : struct => Unsafe.As<T[]>(_columns[ColumnIndex<T>()]);

    /// <summary>A reference to the first element of the column of <typeparamref name="T"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T GetFirst<T>() where T : struct
    {
        return ref MemoryMarshal.GetArrayDataReference(Unsafe.As<T[]>(_columns[ColumnIndex<T>()]));
    }

    /// <summary>True when the chunk's archetype has <typeparamref name="T"/> (enable bits aside).</summary>
    public bool Has<T>() where T : struct
    {
        return _archetype.Signature.Has(_archetype.World.Registry.IdOf<T>());
    }

    /// <summary>
    /// The enable bits of <typeparamref name="T"/>; the words cover <see cref="Capacity"/> rows. Write
    /// them freely (keep rows past <see cref="Count"/> clear): the set-bit counts are recomputed on
    /// their next use.
    /// </summary>
    public Span<ulong> GetEnabledMask<T>() where T : struct
    {
        var mask = _masks[EnableIndex<T>()];
        _countsStale = true;
        return mask;
    }

    /// <summary>
    /// The enable bits of <typeparamref name="T"/> to read (words cover <see cref="Capacity"/> rows). Unlike
    /// <see cref="GetEnabledMask{T}"/> it leaves the set-bit counts valid: a reader must not make the next
    /// <see cref="EnabledCount{T}"/> popcount the whole chunk (4,096 words in a 2^18-row chunk).
    /// </summary>
    public ReadOnlySpan<ulong> ReadEnabledMask<T>() where T : struct => _masks[EnableIndex<T>()];

    /// <summary>
    /// The enable bits of <typeparamref name="T"/> for a writer that keeps the counts itself: it reports the net change of
    /// set bits through <see cref="AdjustEnabledCount{T}"/> (a cursor flipping bits one by one knows each change).
    /// </summary>
    public Span<ulong> GetEnabledMaskCountedByCaller<T>() where T : struct => _masks[EnableIndex<T>()];

    /// <summary>Adds <paramref name="delta"/> to the set-bit count of <typeparamref name="T"/> (see <see cref="GetEnabledMaskCountedByCaller{T}"/>).</summary>
    public void AdjustEnabledCount<T>(int delta) where T : struct
    {
        _enabledCounts[EnableIndex<T>()] += delta;
    }

    /// <summary><see cref="AdjustEnabledCount{T}"/> for threads that change bits of the same chunk at once (an atomic add).</summary>
    public void AdjustEnabledCountConcurrent<T>(int delta) where T : struct
    {
        Interlocked.Add(ref _enabledCounts[EnableIndex<T>()], delta);
    }

    /// <summary>
    /// True when the kept count of <typeparamref name="T"/> is the number of set bits in its mask: the check that code
    /// which writes masks and counts itself (<see cref="GetEnabledMaskCountedByCaller{T}"/>) kept them together.
    /// </summary>
    public bool EnabledCountMatchesMask<T>() where T : struct
    {
        var index = EnableIndex<T>();
        var n = 0;
        foreach (var word in _masks[index])
        {
            n += BitOperations.PopCount(word);
        }
        return EnabledCounts[index] == n;
    }

    /// <summary>Rows whose <typeparamref name="T"/> bit is set.</summary>
    public int EnabledCount<T>() where T : struct
    {
        return EnabledCounts[EnableIndex<T>()];
    }

    /// <summary>True when the <typeparamref name="T"/> bit of <paramref name="row"/> is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsEnabled<T>(int row) where T : struct
    {
        return IsEnabled(EnableIndex<T>(), row);
    }

    /// <summary>Sets or clears the <typeparamref name="T"/> bit of <paramref name="row"/>, keeping the count right.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetEnabled<T>(int row, bool on) where T : struct
    {
        if ((uint)row >= (uint)_count)
        {
            ThrowRow(row);
        }
        SetEnabled(EnableIndex<T>(), row, on);
    }

    /// <summary>Sets or clears the <typeparamref name="T"/> bit of every row in use (word stores).</summary>
    public void SetAllEnabled<T>(bool on) where T : struct
    {
        SetAllEnabled(EnableIndex<T>(), on);
    }

    /// <summary>Recounts the set bits of <typeparamref name="T"/> now (otherwise done lazily after a direct mask write).</summary>
    public void RecountEnabled<T>() where T : struct
    {
        Recount(EnableIndex<T>());
    }

    /// <summary>Column of <typeparamref name="T"/>, or -1. Hits a one-entry cache keyed by the process-wide type number.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int TryColumnIndex<T>() where T : struct
    {
        var cache = _columnCache;
        return (int)(cache >> 32) == TypeNumber<T>.Value ? (int)cache : LookUpColumn<T>();
    }

    /// <summary>Enable-mask index of <typeparamref name="T"/>, or -1 (cached as <see cref="TryColumnIndex{T}"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int TryEnableIndex<T>() where T : struct
    {
        var cache = _enableCache;
        if ((int)(cache >> 32) == TypeNumber<T>.Value)
        {
            return (int)cache;
        }
        var second = _enableCache2;
        return (int)(second >> 32) == TypeNumber<T>.Value ? (int)second : LookUpEnable<T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int ColumnIndex<T>() where T : struct
    {
        var index = TryColumnIndex<T>();
        if (index < 0)
        {
            ThrowNoColumn(typeof(T));
        }
        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int EnableIndex<T>() where T : struct
    {
        var index = TryEnableIndex<T>();
        if (index < 0)
        {
            ThrowNotEnableable(typeof(T));
        }
        return index;
    }

    /// <summary>Forgets the cached enable index (the masks were rearranged by a relabel or reuse).</summary>
    internal void ResetEnableCache()
    {
        _enableCache = -1;
        _enableCache2 = -1;
    }

    private int LookUpColumn<T>() where T : struct
    {
        var index = _archetype.ColumnIndexOf(_archetype.World.Registry.IdOf<T>());
        if (index >= 0)
        {
            // One 64-bit store, so a reader on another thread never pairs a type with another's index.
            _columnCache = ((long)TypeNumber<T>.Value << 32) | (uint)index;
        }
        return index;
    }

    private int LookUpEnable<T>() where T : struct
    {
        var index = _archetype.EnableIndexOf(_archetype.World.Registry.IdOf<T>());
        if (index >= 0)
        {
            // Each entry is one 64-bit store, so a reader on another thread never pairs a type with another's index.
            _enableCache2 = _enableCache;
            _enableCache = ((long)TypeNumber<T>.Value << 32) | (uint)index;
        }
        return index;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool IsEnabled(int enableIndex, int row)
    {
        return (_masks[enableIndex][row >> 6] & (1UL << row)) != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void SetEnabled(int enableIndex, int row, bool on)
    {
        // enableIndex comes from the archetype's own map and row is below Capacity: both in range.
        var mask = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_masks), enableIndex);
        ref var word = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(mask), row >> 6);
        var bit = 1UL << row;
        var old = word;
        word = on ? old | bit : old & ~bit;
        // The count follows the flip (0 or ±1): a count marked stale instead would cost the next reader a popcount of every
        // word of the chunk, which for a small migrate call in a large chunk is more than the call's own work.
        var changed = (int)((old ^ word) >> row) & 1;
        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_enabledCounts), enableIndex) += on ? changed : -changed;
    }

    internal void SetAllEnabled(int enableIndex, bool on)
    {
        var mask = _masks[enableIndex].AsSpan();
        if (!on)
        {
            mask.Clear();
            _enabledCounts[enableIndex] = 0;
            return;
        }
        FillRows(mask, _count);
        _enabledCounts[enableIndex] = _count;
    }

    private void RecountAll()
    {
        _countsStale = false;
        var words = MaskBits.Words(_count);
        for (var i = 0; i < _masks.Length; i++)
        {
            var mask = _masks[i];
            var n = 0;
            for (var w = 0; w < words; w++)
            {
                n += BitOperations.PopCount(mask[w]);
            }
            _enabledCounts[i] = n;
        }
    }

    internal void Recount(int enableIndex)
    {
        var mask = _masks[enableIndex];
        var n = 0;
        for (var w = 0; w < mask.Length; w++)
        {
            n += BitOperations.PopCount(mask[w]);
        }
        _enabledCounts[enableIndex] = n;
    }

    /// <summary>Sets the bits of rows 0..<paramref name="rows"/>-1 and clears the rest.</summary>
    internal static void FillRows(Span<ulong> mask, int rows)
    {
        var full = rows >> 6;
        mask[..full].Fill(ulong.MaxValue);
        if (full < mask.Length)
        {
            mask[full] = (rows & 63) == 0 ? 0 : ulong.MaxValue >> (64 - (rows & 63));
            mask[(full + 1)..].Clear();
        }
    }

    internal static ulong[][] NewMasks(int count, int capacity)
    {
        var masks = new ulong[count][];
        for (var i = 0; i < count; i++)
        {
            masks[i] = new ulong[capacity >> 6];
        }
        return masks;
    }

    private static void ThrowRow(int row)
    {
        throw new ArgumentOutOfRangeException(nameof(row), row, "row is not in use in this chunk");
    }

    private static void ThrowNoColumn(Type type)
    {
        throw new InvalidOperationException($"the chunk's archetype has no column of {type.Name} (absent, or a zero-size tag)");
    }

    private static void ThrowNotEnableable(Type type)
    {
        throw new InvalidOperationException($"{type.Name} is not an enableable tag of the chunk's archetype");
    }
}
