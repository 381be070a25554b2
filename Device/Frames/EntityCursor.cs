using System.Runtime.CompilerServices;
using HmmEcs.Engine;

namespace HmmEcs.Devices.Frames;

/// <summary>
/// Walks a column of an <see cref="EntityRun"/> by entity number with the current chunk's span
/// cached (PTEs by global number, for example).
/// </summary>
public ref struct EntityCursor<T> where T : struct
{
    private readonly EntityRun _run;
    private Span<T> _items;
    private long _lo;
    private long _hi;
    private int _rowOfLo;

    /// <summary>A cursor over column <typeparamref name="T"/> of <paramref name="run"/>.</summary>
    public EntityCursor(EntityRun run)
    {
        _run = run;
        _items = default;
        _lo = 0;
        _hi = 0;
        _rowOfLo = 0;
    }

    /// <summary>The component of entity <paramref name="n"/> of the run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T At(long n)
    {
        if (n < _lo || n >= _hi)
        {
            Load(n);
        }
        return ref _items[_rowOfLo + (int)(n - _lo)];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Load(long n)
    {
        var row = _run.RowOf(n);
        _items = _run.ChunkAt(n).GetSpan<T>();
        var before = Math.Min(row, n);
        var after = Math.Min(_items.Length - row, _run.Count - n);
        _lo = n - before;
        _hi = n + after;
        _rowOfLo = (int)(row - before);
    }
}
