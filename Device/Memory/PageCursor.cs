using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Device.Memory;

/// <summary>
/// Walks pages by id with the current chunk's column cached: ids that fall in the same chunk as the
/// previous one (the common case: frames are handed out lowest first) cost an index, not a lookup.
/// </summary>
public ref struct PageCursor
{
    private readonly PhysicalMemory _memory;
    private Span<Page> _pages;
    private Chunk? _chunk;
    private int _lo;
    private int _hi;
    private int _rowOfLo;

    /// <summary>A cursor over the pages of <paramref name="memory"/>.</summary>
    public PageCursor(PhysicalMemory memory)
    {
        _memory = memory;
        _pages = default;
        _chunk = null;
        _lo = 0;
        _hi = 0;
        _rowOfLo = 0;
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

    private void Load(int id)
    {
        var run = _memory.RunOf(id, out var n);
        var row = run.RowOf(n);
        _chunk = run.ChunkAt(n);
        _pages = _chunk.GetSpan<Page>();
        var before = (int)Math.Min(row, n);
        var after = (int)Math.Min(_pages.Length - row, run.Count - n);
        _lo = id - before;
        _hi = id + after;
        _rowOfLo = row - before;
    }
}
