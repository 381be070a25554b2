using System.Numerics;
using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;

namespace HmmEcs.Devices.Frames;

/// <summary>
/// Walks pages by id with the current chunk's columns and tag masks cached: ids that fall in the same
/// chunk as the previous one (the common case: frames are handed out lowest first) cost an index,
/// not a lookup. Tag bits set through the cursor are written straight into the chunk's mask and the
/// chunk's counts are recounted when the cursor leaves the chunk or is flushed: call
/// <see cref="Flush"/> before anything reads the counts. A concurrent cursor (one per thread of a phase on two
/// cores) stores <see cref="Take"/>'s and <see cref="Unlock"/>'s gathered words and the counts atomically, since two
/// threads' rows may share a mask word; its row writes (<see cref="At"/>, <see cref="SetLocked"/>) must be to rows no
/// other thread writes.
/// </summary>
public ref struct PageCursor
{
    private readonly PhysicalMemory _memory;
    private Span<Page> _pages;
    private Span<PageContent> _contents;
    private Span<ulong> _locked;
    private Span<ulong> _migrate;
    private Chunk? _chunk;
    private int _lo;
    private int _hi;
    private int _rowOfLo;
    private int _lockedDelta;
    private int _migrateDelta;
    // Rows taken (Locked and Migrate both set) but not yet written: the bits of one mask word, stored together.
    private int _takenWord;
    private ulong _takenBits;
    // Rows unlocked but not yet written (Locked cleared): the bits of one mask word, cleared together.
    private int _unlockedWord;
    private ulong _unlockedBits;
    // Rows locked but not yet written (Locked set): the bits of one mask word, set together.
    private int _lockedWord;
    private ulong _lockedBits;
    private readonly bool _concurrent;

    /// <summary>A cursor over the pages of <paramref name="memory"/>.</summary>
    public PageCursor(PhysicalMemory memory)
        : this(memory, false)
    {
    }

    /// <summary>A cursor over the pages of <paramref name="memory"/>, <paramref name="concurrent"/> with other threads' cursors.</summary>
    public PageCursor(PhysicalMemory memory, bool concurrent)
    {
        _memory = memory;
        _concurrent = concurrent;
        _pages = default;
        _contents = default;
        _locked = default;
        _migrate = default;
        _chunk = null;
        _lo = 0;
        _hi = 0;
        _rowOfLo = 0;
        _lockedDelta = 0;
        _migrateDelta = 0;
        _takenWord = 0;
        _takenBits = 0;
        _unlockedWord = 0;
        _unlockedBits = 0;
        _lockedWord = 0;
        _lockedBits = 0;
    }

    /// <summary>The chunk of the page last returned by <see cref="At"/>.</summary>
    public readonly Chunk Chunk => _chunk!;

    /// <summary>The page component of <paramref name="id"/>; <paramref name="row"/> is its row in <see cref="Chunk"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Page At(int id, out int row)
    {
        if (id < _lo || id >= _hi)
        {
            Load(id);
        }
        row = _rowOfLo + (id - _lo);
        return ref _pages[row];
    }

    /// <summary>The content component of <paramref name="id"/> (the chunk's content column, cached beside its page column).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref PageContent ContentAt(int id)
    {
        if (id < _lo || id >= _hi)
        {
            Load(id);
        }
        return ref _contents[_rowOfLo + (id - _lo)];
    }

    /// <summary>The content component of a row of the current chunk (the row <see cref="At"/> gave).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ref PageContent ContentOfRow(int row) => ref _contents[row];

    /// <summary>
    /// The content column from <paramref name="id"/> on, as far as the ids stay in its chunk: element
    /// <c>k</c> is the content of page <c>id + k</c>, so a run of consecutive ids moves as one span.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<PageContent> ContentsFrom(int id)
    {
        if (id < _lo || id >= _hi)
        {
            Load(id);
        }
        var row = _rowOfLo + (id - _lo);
        return _contents.Slice(row, _hi - id);
    }

    /// <summary>Sets or clears the <c>Locked</c> bit of a row of the current chunk (counts fixed at <see cref="Flush"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetLocked(int row, bool on)
    {
        _lockedDelta += SetBit(_locked, row, on);
    }

    /// <summary>Sets or clears the <c>Migrate</c> bit of a row of the current chunk (counts fixed at <see cref="Flush"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetMigrate(int row, bool on)
    {
        _migrateDelta += SetBit(_migrate, row, on);
    }

    /// <summary>True when the <c>Locked</c> bit of a row of the current chunk is set (or will be, by <see cref="Take"/> or <see cref="Lock"/>; a cursor does not mix them with <see cref="Unlock"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool IsLocked(int row)
    {
        var w = row >> 6;
        var pending = (w == _takenWord ? _takenBits : 0) | (w == _lockedWord ? _lockedBits : 0);
        return ((_locked[w] | pending) & (1UL << row)) != 0;
    }

    /// <summary>
    /// Sets the <c>Locked</c> and <c>Migrate</c> bits of a row of the current chunk that has neither, as the migration
    /// helper's collect takes a page. Rows taken in ascending order gather in one mask word, written once for up to 64
    /// rows when a row in another word is taken, the cursor leaves the chunk or is flushed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Take(int row)
    {
        var w = row >> 6;
        if (w != _takenWord)
        {
            StoreTaken();
            _takenWord = w;
        }
        _takenBits |= 1UL << row;
    }

    /// <summary>Hands the current chunk the net change of its tag bits that the cursor made (no recount of the chunk).</summary>
    public void Flush()
    {
        StoreTaken();
        StoreUnlocked();
        StoreLocked();
        if ((_lockedDelta | _migrateDelta) != 0)
        {
            if (_concurrent)
            {
                _chunk!.AdjustEnabledCountConcurrent<Locked>(_lockedDelta);
                _chunk.AdjustEnabledCountConcurrent<Migrate>(_migrateDelta);
            }
            else
            {
                _chunk!.AdjustEnabledCount<Locked>(_lockedDelta);
                _chunk.AdjustEnabledCount<Migrate>(_migrateDelta);
            }
            _lockedDelta = 0;
            _migrateDelta = 0;
        }
    }

    /// <summary>
    /// Clears the <c>Locked</c> bit of a row of the current chunk, as remove-migration-entries unlocks a new page: rows
    /// unlocked in ascending order gather in one mask word, cleared once for up to 64 rows (as <see cref="Take"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Unlock(int row)
    {
        var w = row >> 6;
        if (w != _unlockedWord)
        {
            StoreUnlocked();
            _unlockedWord = w;
        }
        _unlockedBits |= 1UL << row;
    }

    /// <summary>
    /// Sets the <c>Locked</c> bit of a row of the current chunk, as a driver locks the destination pages it hands out:
    /// rows locked in ascending order gather in one mask word, set once for up to 64 rows (as <see cref="Take"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Lock(int row)
    {
        var w = row >> 6;
        if (w != _lockedWord)
        {
            StoreLocked();
            _lockedWord = w;
        }
        _lockedBits |= 1UL << row;
    }

    /// <summary>Sets the rows gathered by <see cref="Lock"/>, counting the bits that were clear.</summary>
    private void StoreLocked()
    {
        if (_lockedBits != 0)
        {
            _lockedDelta += SetBits(ref _locked[_lockedWord], _lockedBits);
            _lockedBits = 0;
        }
    }

    /// <summary>Clears the rows gathered by <see cref="Unlock"/>, counting the bits that were set.</summary>
    private void StoreUnlocked()
    {
        if (_unlockedBits != 0)
        {
            _lockedDelta -= ClearBits(ref _locked[_unlockedWord], _unlockedBits);
            _unlockedBits = 0;
        }
    }

    /// <summary>Writes the rows gathered by <see cref="Take"/> into both masks, counting the bits that were not set.</summary>
    private void StoreTaken()
    {
        if (_takenBits != 0)
        {
            _lockedDelta += SetBits(ref _locked[_takenWord], _takenBits);
            _migrateDelta += SetBits(ref _migrate[_takenWord], _takenBits);
            _takenBits = 0;
        }
    }

    /// <summary>Sets <paramref name="bits"/> in a mask word (atomically for a concurrent cursor); returns how many were clear.</summary>
    private readonly int SetBits(ref ulong word, ulong bits)
    {
        if (_concurrent)
        {
            return BitOperations.PopCount(bits & ~Interlocked.Or(ref word, bits));
        }
        var before = word;
        word = before | bits;
        return BitOperations.PopCount(bits & ~before);
    }

    /// <summary>Clears <paramref name="bits"/> in a mask word (atomically for a concurrent cursor); returns how many were set.</summary>
    private readonly int ClearBits(ref ulong word, ulong bits)
    {
        if (_concurrent)
        {
            return BitOperations.PopCount(bits & Interlocked.And(ref word, ~bits));
        }
        var before = word;
        word = before & ~bits;
        return BitOperations.PopCount(bits & before);
    }

    /// <summary>Sets or clears a bit; returns the change of set bits (−1, 0 or 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SetBit(Span<ulong> mask, int row, bool on)
    {
        ref var word = ref mask[row >> 6];
        var old = word;
        var bit = 1UL << row;
        word = on ? old | bit : old & ~bit;
        var changed = (int)((old ^ word) >> row) & 1;
        return on ? changed : -changed;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Load(int id)
    {
        Flush();
        var run = _memory.RunOf(id, out var n);
        var row = run.RowOf(n);
        _chunk = run.ChunkAt(n);
        _pages = _chunk.GetSpan<Page>();
        _contents = _chunk.GetSpan<PageContent>();
        _locked = _chunk.GetEnabledMaskCountedByCaller<Locked>();
        _migrate = _chunk.GetEnabledMaskCountedByCaller<Migrate>();
        var before = (int)Math.Min(row, n);
        var after = (int)Math.Min(_pages.Length - row, run.Count - n);
        _lo = id - before;
        _hi = id + after;
        _rowOfLo = row - before;
    }
}
