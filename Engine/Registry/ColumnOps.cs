using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

/// <summary>Type-erased operations on a column array, so moves between archetypes need no generics.</summary>
internal abstract class ColumnOps
{
    public abstract Array Create(int capacity);

    public abstract void CopyRow(Array src, int srcRow, Array dst, int dstRow);

    public abstract void CopyRange(Array src, int srcRow, Array dst, int dstRow, int count);

    /// <summary>Resets a vacated row so references it held can be collected.</summary>
    public abstract void ClearRow(Array column, int row);
}

/// <summary>Column operations of <typeparamref name="T"/>.</summary>
internal sealed class ColumnOps<T> : ColumnOps where T : struct
{
    private static readonly bool s_hasReferences = RuntimeHelpers.IsReferenceOrContainsReferences<T>();

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
        if (s_hasReferences)
        {
            Unsafe.As<T[]>(column)[row] = default;
        }
    }
}
