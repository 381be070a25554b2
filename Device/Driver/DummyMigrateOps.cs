using System.Buffers;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Tags;
using HmmEcs.Device.Copy;
using HmmEcs.Device.Memory;

namespace HmmEcs.Device.Driver;

/// <summary>
/// The dummy driver's migrate callbacks toward one target (a device, or RAM when bringing pages
/// back): destinations are allocated in ascending address order by the target's rule, then the
/// copy engine moves all copies of the migration at once.
/// </summary>
public sealed class DummyMigrateOps : IMigrateOps
{
    private readonly PhysicalMemory _memory;
    private readonly ICopyEngine _engine;
    private readonly int _target;

    /// <summary>Callbacks migrating into <paramref name="target"/> (a device index, -1 for RAM).</summary>
    public DummyMigrateOps(PhysicalMemory memory, ICopyEngine engine, int target)
    {
        _memory = memory;
        _engine = engine;
        _target = target;
    }

    /// <inheritdoc/>
    public CopyCost LastCopy { get; private set; }

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void AllocAndCopy(in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst)
    {
        var dev = _target < 0 ? null : _memory.Devices[_target];
        var destFlags = HmmPfn.Migrate | HmmPfn.Locked;
        if (dev is not null)
        {
            destFlags |= HmmPfn.Device | (dev.Spec.Addressable ? 0 : HmmPfn.Unaddressable);
        }
        var copies = 0;
        if (dev is { Spec.ChunkAllocation: true })
        {
            copies = AllocateChunks(dev, window, src, dst, destFlags);
        }
        else
        {
            var wanted = 0;
            foreach (var entry in src)
            {
                wanted += (entry.Value & HmmPfn.Migrate) != 0 ? 1 : 0;
            }
            // The lowest free frames in ascending order go to the pages in ascending address order. The
            // ids are taken into the front of dst and spread out backwards: entry i reads id c <= i, so
            // nothing is overwritten before it is read.
            var ids = System.Runtime.InteropServices.MemoryMarshal.Cast<HmmPfn, long>(dst);
            var got = _memory.AllocateFrames(_target, ids[..wanted]);
            var c = wanted - 1;
            for (var i = src.Length - 1; i >= 0; i--)
            {
                if ((src[i].Value & HmmPfn.Migrate) == 0)
                {
                    dst[i] = default;
                    continue;
                }
                if (c >= got)
                {
                    src[i] = src[i].Without(HmmPfn.Migrate);
                    dst[i] = default;
                }
                else
                {
                    dst[i] = HmmPfn.From(ids[c], destFlags);
                }
                c--;
            }
            copies = got;
        }
        LastCopy = Copy(src, dst, copies);
    }

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void FinalizeAndMap(in MigrateWindow window, ReadOnlySpan<HmmPfn> src, Span<HmmPfn> dst)
    {
        for (var i = 0; i < src.Length; i++)
        {
            if (dst[i].Value != 0 && (src[i].Value & HmmPfn.Migrate) == 0)
            {
                _memory.ReleaseFrame((int)dst[i].Pfn);
                dst[i] = default;
            }
        }
    }

    /// <summary>The <c>chunk</c> rule: group <c>floor(i / chunkPages)</c> of the VMA's pages gets a wholly free chunk at least as long as it only when all of it is in the range and still migrating.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private int AllocateChunks(DeviceMemory dev, in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst, ulong destFlags)
    {
        var size = dev.Spec.ChunkPages;
        var copies = 0;
        var i = 0;
        while (i < src.Length)
        {
            var vmaIndex = window.Start + i;
            var groupStart = vmaIndex / size * size;
            // A group is the VMA's pages with this group number: the VMA's last group may be short.
            var groupEnd = Math.Min(groupStart + size, window.VmaPages);
            var sliceEnd = (int)(Math.Min(groupEnd, window.End) - window.Start);
            var whole = groupStart >= window.Start && groupEnd <= window.End;
            if (whole)
            {
                for (var k = i; k < sliceEnd; k++)
                {
                    if ((src[k].Value & HmmPfn.Migrate) == 0)
                    {
                        whole = false;
                        break;
                    }
                }
            }
            var chunk = whole ? dev.AllocateChunk((int)(groupEnd - groupStart)) : -1;
            for (var k = i; k < sliceEnd; k++)
            {
                if ((src[k].Value & HmmPfn.Migrate) == 0)
                {
                    continue;
                }
                if (chunk < 0)
                {
                    src[k] = src[k].Without(HmmPfn.Migrate);
                    continue;
                }
                var page = (long)chunk * size + (window.Start + k - groupStart);
                dst[k] = HmmPfn.From(dev.FirstId + page, destFlags);
                copies++;
            }
            i = sliceEnd;
        }
        return copies;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private CopyCost Copy(Span<HmmPfn> src, Span<HmmPfn> dst, int copies)
    {
        if (copies == 0)
        {
            return default;
        }
        var srcFrames = ArrayPool<long>.Shared.Rent(copies);
        var dstFrames = ArrayPool<long>.Shared.Rent(copies);
        try
        {
            var n = 0;
            var sourceDevice = -1;
            var ascending = true;
            var dstCursor = new PageCursor(_memory);
            var dstBase = _target < 0 ? 0 : _memory.Devices[_target].FirstId;
            var ramPages = _memory.RamPages;
            for (var i = 0; i < src.Length; i++)
            {
                if ((src[i].Value & HmmPfn.Migrate) == 0)
                {
                    continue;
                }
                var s = (int)src[i].Pfn;
                var d = (int)dst[i].Pfn;
                srcFrames[n] = s < ramPages ? s : _memory.FrameOf(s);
                dstFrames[n] = d - dstBase;
                ascending &= n == 0 || dstFrames[n] > dstFrames[n - 1];
                if (sourceDevice < 0 && s >= ramPages)
                {
                    sourceDevice = _memory.DeviceOf(s);
                }
                ref var dp = ref dstCursor.At(d, out var row);
                dp = Page.Free;
                dp.Flags = PageFlags.Allocated;
                dstCursor.SetLocked(row, true);
                n++;
            }
            dstCursor.Flush();
            // Params of the device involved: the target for RAM→device and device→device, the source for device→RAM.
            var paramsDevice = _target >= 0 ? _target : sourceDevice;
            var p = paramsDevice >= 0 ? _memory.Devices[paramsDevice].Spec.Copy : CopyParams.Default;
            if (ascending)
            {
                return _engine.Copy(_memory, src, dst, srcFrames.AsSpan(0, n), dstFrames.AsSpan(0, n), p);
            }
            return CopySorted(src, dst, n, p);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(srcFrames);
            ArrayPool<long>.Shared.Return(dstFrames);
        }
    }

    /// <summary>
    /// Both allocators hand out lowest-free first, so destinations ascend in address order; a
    /// submission whose destinations do not ascend is put in destination order first.
    /// </summary>
    private CopyCost CopySorted(Span<HmmPfn> src, Span<HmmPfn> dst, int n, in CopyParams p)
    {
        var keys = new long[n];
        var pairs = new (HmmPfn Src, HmmPfn Dst)[n];
        for (int i = 0, k = 0; i < src.Length; i++)
        {
            if ((src[i].Value & HmmPfn.Migrate) != 0)
            {
                keys[k] = _memory.FrameOf((int)dst[i].Pfn);
                pairs[k++] = (src[i], dst[i]);
            }
        }
        Array.Sort(keys, pairs);
        var sortedSrc = new HmmPfn[n];
        var sortedDst = new HmmPfn[n];
        var srcFrames = new long[n];
        for (var k = 0; k < n; k++)
        {
            sortedSrc[k] = pairs[k].Src;
            sortedDst[k] = pairs[k].Dst;
            srcFrames[k] = _memory.FrameOf((int)pairs[k].Src.Pfn);
        }
        return _engine.Copy(_memory, sortedSrc, sortedDst, srcFrames, keys, p);
    }
}
