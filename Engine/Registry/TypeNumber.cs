using System.Reflection;
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
    public static readonly bool IsZeroSize = typeof(T).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic).Length == 0;

    /// <summary>Bytes per row in a column (0 for a tag).</summary>
    public static readonly int Size = IsZeroSize ? 0 : Unsafe.SizeOf<T>();
}
