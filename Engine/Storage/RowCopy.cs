using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HmmEcs.Engine;

/// <summary>
/// Row copies and clears on columns without references, as raw bytes of a known size: no virtual
/// call per column in per-entity moves. Columns holding references go through <see cref="ColumnOps"/>
/// so the GC sees the writes.
/// </summary>
internal static class RowCopy
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Copy(Array src, int srcRow, Array dst, int dstRow, int size)
    {
        ref var s = ref Unsafe.Add(ref Data(src), (nint)srcRow * size);
        ref var d = ref Unsafe.Add(ref Data(dst), (nint)dstRow * size);
        switch (size)
        {
            case 4:
                Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<int>(ref s));
                break;
            case 8:
                Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<long>(ref s));
                break;
            case 16:
                Unsafe.WriteUnaligned(ref d, Unsafe.ReadUnaligned<long>(ref s));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, 8), Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref s, 8)));
                break;
            default:
                Unsafe.CopyBlockUnaligned(ref d, ref s, (uint)size);
                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Clear(Array column, int row, int size)
    {
        ref var d = ref Unsafe.Add(ref Data(column), (nint)row * size);
        switch (size)
        {
            case 4:
                Unsafe.WriteUnaligned(ref d, 0);
                break;
            case 8:
                Unsafe.WriteUnaligned(ref d, 0L);
                break;
            default:
                Unsafe.InitBlockUnaligned(ref d, 0, (uint)size);
                break;
        }
    }

    /// <summary>
    /// First byte of a column's elements. Columns are single-dimension zero-based arrays, whose data
    /// start is the same for every element type, so viewing one as byte[] skips the non-generic
    /// lookup (two dependent loads through the method table) that dominated per-entity moves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte Data(Array column)
    {
        return ref MemoryMarshal.GetArrayDataReference(Unsafe.As<byte[]>(column));
    }
}
