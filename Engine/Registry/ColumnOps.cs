using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

/// <summary>Type-erased operations on a column array, so moves between archetypes need no generics.</summary>
internal abstract class ColumnOps
{
    /// <summary>Bytes per element when rows may be copied as raw bytes; 0 when the type holds references.</summary>
    public abstract int RawSize { get; }

    public abstract Array Create(int capacity);

    public abstract void CopyRow(Array src, int srcRow, Array dst, int dstRow);

    public abstract void CopyRange(Array src, int srcRow, Array dst, int dstRow, int count);

    /// <summary>Resets a vacated row, so rows past a chunk's count are always default (and hold no references).</summary>
    public abstract void ClearRow(Array column, int row);

    /// <summary>Resets a range of vacated rows.</summary>
    public abstract void ClearRange(Array column, int row, int count);
}

/// <summary>Column operations of <typeparamref name="T"/>.</summary>
internal sealed class ColumnOps<T> : ColumnOps where T : struct
{
    public override int RawSize { get; } = RuntimeHelpers.IsReferenceOrContainsReferences<T>() ? 0 : Unsafe.SizeOf<T>();

    public override Array Create(int capacity)
    {
        return new T[capacity];
    }

    public override void CopyRow(Array src, int srcRow, Array dst, int dstRow)
    {
        Unsafe.As<T[]>(dst)[dstRow] = Unsafe.As<T[]>(src)[srcRow];
    }

    public override void CopyRange(Array src, int srcRow, Array dst, int dstRow, int count)
    {
        Unsafe.As<T[]>(src).AsSpan(srcRow, count).CopyTo(Unsafe.As<T[]>(dst).AsSpan(dstRow, count));
    }

    public override void ClearRow(Array column, int row)
    {
        Unsafe.As<T[]>(column)[row] = default;
    }

    public override void ClearRange(Array column, int row, int count)
    {
        Unsafe.As<T[]>(column).AsSpan(row, count).Clear();
    }
}
