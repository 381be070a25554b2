using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;

namespace HmmEcs.Devices.Driver;

public sealed partial class DummyMigrateOps
{
    // Device pages taken from the allocator at a time: a stack buffer, so the ids are never written out for the whole call.
    private const int PagesPerTake = 1024;

    /// <summary>
    /// The <c>page</c> rule toward a device in one walk of the entries, for a copy engine that moves stamps on the calling
    /// thread: each migrating entry takes the next of the lowest free device pages, which is readied, gets the source's
    /// stamp and joins the engine's commands. The same destinations, commands and content as allocating first and
    /// submitting after: the lowest free pages go to the entries in ascending order, and the entries past the last free
    /// page give up. Departs from the batched engine's order of work (commands planned, then content moved), not its result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    [SkipLocalsInit]
    private CopyCost AllocateAndCopyInOneWalk(DeviceMemory dev, BatchedCopyEngine engine, Span<HmmPfn> src, Span<HmmPfn> dst, ulong destFlags)
    {
        var wanted = PfnArray.CountMigrating(src);
        // Sized to the call (a 512-page fault batch takes 4 KiB of stack, not 8), and not cleared: only taken ids are read.
        Span<long> pages = stackalloc long[Math.Clamp(wanted, 1, PagesPerTake)];
        var have = dev.AllocatePages(pages[..Math.Min(pages.Length, wanted)]);
        if (have == 0)
        {
            GiveUpAll(src, dst);
            return default;
        }
        var taken = have;
        var next = 0;
        var runs = engine.BeginInWalk(dev.Spec.Copy);
        var srcPages = new PageCursor(_memory);
        var dstPages = new PageCursor(_memory);
        var firstId = dev.FirstId;
        for (var i = 0; i < src.Length; i++)
        {
            var entry = src[i].Value;
            if ((entry & HmmPfn.Migrate) == 0)
            {
                dst[i] = default;
                continue;
            }
            if (next == have)
            {
                have = taken == wanted ? 0 : dev.AllocatePages(pages[..Math.Min(pages.Length, wanted - taken)]);
                taken += have;
                next = 0;
                if (have == 0)
                {
                    // The device is full: this entry and every migrating one after it give up.
                    GiveUp(ref src[i], ref dst[i]);
                    continue;
                }
            }
            var page = pages[next++];
            var id = firstId + (int)page;
            dst[i] = HmmPfn.From(id, destFlags);
            var frame = DeviceDestination.Ready(_memory, ref srcPages, ref dstPages, id, (int)(entry >> HmmPfn.Shift));
            if (!runs.Add(frame, page))
            {
                throw new InvalidOperationException("device pages were handed out out of order");
            }
        }
        dstPages.Flush();
        return engine.EndInWalk(ref runs);
    }
}
