using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HmmEcs.Engine;

/// <summary>
/// Makes arrays resident ahead of their first use, on a thread of its own, with Linux's <c>MADV_POPULATE_WRITE</c>
/// (5.14+): the kernel allocates and zeroes the pages without changing what they hold, so the owner may write to
/// them meanwhile. On the VMs this engine runs on, the first touch of memory the process never had costs 11–18 µs per
/// 4 KiB (the host backs it then); a one-shot 10M-page migrate writes about 250 MB of it. Populated from a second core,
/// that cost overlaps the phases instead of adding to them. Elsewhere (other systems, older kernels) it does nothing.
/// </summary>
public sealed partial class Prefault
{
    private const int MadvPopulateWrite = 23;

    /// <summary>Arrays smaller than this (8 MiB) are left to fault on first use: a thread costs more than it saves.</summary>
    public const long MinimumBytes = 8L << 20;

    // Populated in steps so that the owner, running ahead on the same array, and this thread split the work.
    private const long StepBytes = 2L << 20;

    private readonly Region[] _regions;
    private readonly Thread _thread;

    private Prefault(Region[] regions)
    {
        _regions = regions;
        _thread = new Thread(Run, 256 * 1024) { IsBackground = true, Name = "hmmecs prefault" };
        _thread.Start();
    }

    /// <summary>
    /// Starts populating <paramref name="regions"/> in order, each from its end backwards (their owners write them from
    /// the front), or returns null when they are too small to be worth a thread or the OS cannot.
    /// </summary>
    public static Prefault? Start(params Region[] regions)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        long bytes = 0;
        foreach (var r in regions)
        {
            bytes += r.Bytes;
        }
        return bytes >= MinimumBytes ? new Prefault(regions) : null;
    }

    /// <summary>
    /// An array to populate (kept alive by the region while the thread works on it). Its address is taken once: arrays of
    /// the large-object heap, which are all this is worth for, do not move unless a compaction of that heap is requested,
    /// which this engine never does; and were one to move, populating faults in memory elsewhere in the heap and changes
    /// nothing anyone reads. So the arrays need not be pinned (the pinned-object heap's allocations cost a full collection
    /// each when they are this large).
    /// </summary>
    public readonly struct Region
    {
        private Region(Array array, long address, long bytes)
        {
            Array = array;
            Address = address;
            Bytes = bytes;
        }

        internal Array Array { get; }
        internal long Address { get; }
        internal long Bytes { get; }

        /// <summary>The whole of <paramref name="array"/>.</summary>
        public static Region Of<T>(T[] array)
            where T : unmanaged => Of(array, 0, array.Length);

        /// <summary>Elements <c>[start, start + length)</c> of <paramref name="array"/>.</summary>
        public static Region Of<T>(T[] array, int start, int length)
            where T : unmanaged
        {
            ArgumentOutOfRangeException.ThrowIfNegative(start);
            ArgumentOutOfRangeException.ThrowIfNegative(length);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(start, array.Length - length);
            return new(array, length == 0 ? 0 : (long)AddressOf(array, start), (long)length * Unsafe.SizeOf<T>());
        }
    }

    /// <summary>Waits until every array is populated (tests and measurements; the owner never needs to).</summary>
    public void Wait() => _thread.Join();

    private void Run()
    {
        try
        {
            foreach (var region in _regions)
            {
                var start = region.Address;
                var end = start + region.Bytes;
                // Whole OS pages only: the partial pages at either end belong to neighbours too.
                var first = (start + 4095) & ~4095L;
                for (var hi = end & ~4095L; hi > first;)
                {
                    var lo = Math.Max(first, (hi - StepBytes) & ~(StepBytes - 1));
                    if (lo >= hi)
                    {
                        lo = Math.Max(first, hi - StepBytes);
                    }
                    if (Madvise((nint)lo, (nuint)(hi - lo), MadvPopulateWrite) != 0)
                    {
                        // EINVAL before 5.14, ENOMEM when out of memory: the owner faults the rest itself.
                        return;
                    }
                    hi = lo;
                }
            }
        }
        catch (Exception)
        {
            // No libc madvise, or anything else: populating is only ever a head start, and an exception escaping a
            // background thread would end the process. The owners fault what is left themselves.
        }
        finally
        {
            // The arrays stay reachable until the last madvise is done (the loop's reads alone do not keep them).
            GC.KeepAlive(_regions);
        }
    }

    private static unsafe nint AddressOf<T>(T[] array, int index)
        where T : unmanaged => (nint)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), index));

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static partial int Madvise(nint address, nuint length, int advice);
}
