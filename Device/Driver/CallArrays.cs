using System.Buffers;

namespace HmmEcs.Devices.Driver;

/// <summary>
/// Per-call scratch arrays of a migration: small ones come from the shared pool, large ones are
/// allocated for the call and left to the GC afterwards, so a one-off 1M-page migrate does not keep
/// tens of megabytes alive in the pool for the rest of the run (issue #3's bytes-per-page budget).
/// </summary>
public static class CallArrays
{
    /// <summary>Calls up to this many elements reuse pooled arrays (faults and small requests are frequent).</summary>
    public const int PooledLimit = 1 << 16;

    /// <summary>An array of at least <paramref name="length"/> elements whose contents are unspecified.</summary>
    public static T[] Take<T>(int length) =>
        length <= PooledLimit ? ArrayPool<T>.Shared.Rent(length) : GC.AllocateUninitializedArray<T>(length);

    /// <summary>True when <paramref name="array"/> (from <see cref="Take{T}"/>) belongs to the pool, so the caller may not keep it past <see cref="Give{T}"/>.</summary>
    public static bool IsPooled<T>(T[] array) => array.Length is > 0 and <= PooledLimit;

    /// <summary>Gives back an array from <see cref="Take{T}"/>; a large one is simply dropped.</summary>
    public static void Give<T>(T[] array)
    {
        if (IsPooled(array))
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }
}
