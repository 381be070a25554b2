using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

/// <summary>Hands out process-wide type numbers; each number is assigned once and never changes.</summary>
internal static class TypeNumberSource
{
    // The only static mutable cell: a counter read through Interlocked; the numbers it yields are
    // immutable, and each world maps them to its own component ids.
    private static int s_last = -1;

    internal static int Next()
    {
        return Interlocked.Increment(ref s_last);
    }
}

/// <summary>Immutable per-type facts: the process-wide type number and the storage shape.</summary>
internal static class TypeNumber<T> where T : struct
{
    /// <summary>Process-wide number of <typeparamref name="T"/> (a JIT-time constant once initialised).</summary>
    public static readonly int Value = TypeNumberSource.Next();

    /// <summary>True when <typeparamref name="T"/> has no instance fields: a tag without a column.</summary>
    /// <remarks>
    /// Read from the type's layout, not its fields, so that trimming and Native AOT (which keep no
    /// field metadata unless asked) see the same shape as the JIT: C# gives a struct without fields the
    /// explicit size 1, and a struct with fields no explicit size. A one-byte struct declared
    /// <c>[StructLayout(..., Size = 1)]</c> would read as a tag; no component here is one.
    /// </remarks>
    public static readonly bool IsZeroSize = Unsafe.SizeOf<T>() == 1 && typeof(T).StructLayoutAttribute is { Size: 1 };

    /// <summary>Bytes per row in a column (0 for a tag).</summary>
    public static readonly int Size = IsZeroSize ? 0 : Unsafe.SizeOf<T>();
}
