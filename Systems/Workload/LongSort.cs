using System.Numerics;
using System.Runtime.CompilerServices;

namespace HmmEcs.Systems.Workload;

/// <summary>
/// Sorts <c>long</c>s ascending with the comparisons inlined. The published (Native AOT) binary sorts a
/// <see cref="Span{T}"/> of <c>long</c> through <c>Comparer&lt;long&gt;.Default</c>, an interface call per comparison (about 3% of
/// the 10M-page workload step in a profile of it); the JIT specialises that sort, so both builds now sort alike.
/// Introsort, as the runtime's: median-of-three quicksort, insertion sort below 16 elements, heapsort past
/// 2·log2(n) levels. Equal values are equal, so the order is the runtime's.
/// </summary>
internal static class LongSort
{
    private const int InsertionLimit = 16;

    /// <summary>Sorts <paramref name="keys"/> ascending.</summary>
    public static void Ascending(Span<long> keys)
    {
        if (keys.Length > 1)
        {
            IntroSort(keys, 2 * (BitOperations.Log2((uint)keys.Length) + 1));
        }
    }

    private static void IntroSort(Span<long> keys, int depthLimit)
    {
        while (keys.Length > InsertionLimit)
        {
            if (depthLimit == 0)
            {
                HeapSort(keys);
                return;
            }
            depthLimit--;
            var p = Partition(keys);
            // The smaller side recursively, the larger in the loop: the stack stays O(log n).
            if (p < keys.Length - p)
            {
                IntroSort(keys[..p], depthLimit);
                keys = keys[(p + 1)..];
            }
            else
            {
                IntroSort(keys[(p + 1)..], depthLimit);
                keys = keys[..p];
            }
        }
        InsertionSort(keys);
    }

    /// <summary>Partitions around the median of the first, middle and last; returns the pivot's final index.</summary>
    private static int Partition(Span<long> keys)
    {
        var hi = keys.Length - 1;
        var middle = hi >> 1;
        SwapIfGreater(keys, 0, middle);
        SwapIfGreater(keys, 0, hi);
        SwapIfGreater(keys, middle, hi);
        var pivot = keys[middle];
        Swap(keys, middle, hi - 1);
        int left = 0, right = hi - 1;
        while (left < right)
        {
            while (keys[++left] < pivot)
            {
            }
            while (pivot < keys[--right])
            {
            }
            if (left >= right)
            {
                break;
            }
            Swap(keys, left, right);
        }
        if (left != hi - 1)
        {
            Swap(keys, left, hi - 1);
        }
        return left;
    }

    private static void InsertionSort(Span<long> keys)
    {
        for (var i = 1; i < keys.Length; i++)
        {
            var t = keys[i];
            var j = i - 1;
            while (j >= 0 && t < keys[j])
            {
                keys[j + 1] = keys[j];
                j--;
            }
            keys[j + 1] = t;
        }
    }

    /// <summary>Heapsort, the fallback past the depth limit (internal for the tests: few inputs reach it).</summary>
    internal static void HeapSort(Span<long> keys)
    {
        var n = keys.Length;
        for (var i = n >> 1; i >= 1; i--)
        {
            DownHeap(keys, i, n);
        }
        for (var i = n; i > 1; i--)
        {
            Swap(keys, 0, i - 1);
            DownHeap(keys, 1, i - 1);
        }
    }

    /// <summary>Sifts element <paramref name="i"/> (1-based) down a heap of <paramref name="n"/>.</summary>
    private static void DownHeap(Span<long> keys, int i, int n)
    {
        var d = keys[i - 1];
        while (i <= n >> 1)
        {
            var child = 2 * i;
            if (child < n && keys[child - 1] < keys[child])
            {
                child++;
            }
            if (!(d < keys[child - 1]))
            {
                break;
            }
            keys[i - 1] = keys[child - 1];
            i = child;
        }
        keys[i - 1] = d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SwapIfGreater(Span<long> keys, int i, int j)
    {
        if (keys[i] > keys[j])
        {
            Swap(keys, i, j);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(Span<long> keys, int i, int j) => (keys[i], keys[j]) = (keys[j], keys[i]);
}
