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
            for (var i = 0; i < src.Length; i++)
            {
                if ((src[i].Value & HmmPfn.Migrate) == 0)
                {
                    continue;
                }
                var id = _memory.AllocateFrame(_target);
                if (id < 0)
                {
                    src[i] = src[i].Without(HmmPfn.Migrate);
                    continue;
                }
                dst[i] = HmmPfn.From(id, destFlags);
                copies++;
            }
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

    /// <summary>The <c>chunk</c> rule: a group of <c>chunkPages</c> VMA-relative pages gets a whole chunk only when all of it is in the range and still migrating.</summary>
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
            var groupEnd = groupStart + size;
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
            var chunk = whole ? dev.AllocateChunk() : -1;
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
        var srcIds = ArrayPool<int>.Shared.Rent(copies);
        var dstIds = ArrayPool<int>.Shared.Rent(copies);
        var srcFrames = ArrayPool<long>.Shared.Rent(copies);
        var dstFrames = ArrayPool<long>.Shared.Rent(copies);
        try
        {
            var n = 0;
            var sourceDevice = -1;
            var dstCursor = new PageCursor(_memory);
            for (var i = 0; i < src.Length; i++)
            {
                if ((src[i].Value & HmmPfn.Migrate) == 0)
                {
                    continue;
                }
                var s = (int)src[i].Pfn;
                var d = (int)dst[i].Pfn;
                srcIds[n] = s;
                dstIds[n] = d;
                srcFrames[n] = _memory.FrameOf(s);
                dstFrames[n] = _memory.FrameOf(d);
                if (sourceDevice < 0)
                {
                    sourceDevice = _memory.DeviceOf(s);
                }
                ref var dp = ref dstCursor.At(d, out var row);
                dp = Page.Free;
                dp.Flags = PageFlags.Allocated;
                dstCursor.Chunk.SetEnabled<Locked>(row, true);
                n++;
            }
            SortByDestination(srcIds.AsSpan(0, n), dstIds.AsSpan(0, n), srcFrames.AsSpan(0, n), dstFrames.AsSpan(0, n));
            // Params of the device involved: the target for RAM→device and device→device, the source for device→RAM.
            var paramsDevice = _target >= 0 ? _target : sourceDevice;
            var p = paramsDevice >= 0 ? _memory.Devices[paramsDevice].Spec.Copy : CopyParams.Default;
            return _engine.Copy(_memory, srcIds.AsSpan(0, n), dstIds.AsSpan(0, n), srcFrames.AsSpan(0, n), dstFrames.AsSpan(0, n), p);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(srcIds);
            ArrayPool<int>.Shared.Return(dstIds);
            ArrayPool<long>.Shared.Return(srcFrames);
            ArrayPool<long>.Shared.Return(dstFrames);
        }
    }

    /// <summary>Both allocators hand out lowest-free first, so destinations already ascend; sort only when they do not.</summary>
    private static void SortByDestination(Span<int> srcIds, Span<int> dstIds, Span<long> srcFrames, Span<long> dstFrames)
    {
        for (var k = 1; k < dstFrames.Length; k++)
        {
            if (dstFrames[k] < dstFrames[k - 1])
            {
                var order = new int[dstFrames.Length];
                for (var j = 0; j < order.Length; j++)
                {
                    order[j] = j;
                }
                var keys = dstFrames.ToArray();
                Array.Sort(keys, order);
                var s1 = srcIds.ToArray();
                var d1 = dstIds.ToArray();
                var f1 = srcFrames.ToArray();
                for (var j = 0; j < order.Length; j++)
                {
                    srcIds[j] = s1[order[j]];
                    dstIds[j] = d1[order[j]];
                    srcFrames[j] = f1[order[j]];
                    dstFrames[j] = keys[j];
                }
                return;
            }
        }
    }
}
