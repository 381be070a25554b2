using System.Runtime.CompilerServices;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;

namespace HmmEcs.Devices.Copy;

/// <summary>
/// Copies each page on the calling thread (the seed's dummy driver used a CPU memcpy) and charges the
/// batched engine's model time, so results match the batched engine's.
/// </summary>
public sealed class SynchronousCopyEngine : ICopyEngine
{
    private readonly double[] _engineFree = new double[64];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CopyCost Copy(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst,
        ReadOnlySpan<long> srcFrames, ReadOnlySpan<long> dstFrames, in CopyParams parameters)
    {
        var srcCursor = new PageCursor(memory);
        var dstCursor = new PageCursor(memory);
        var bytes = memory.BytesPayload;
        for (var i = 0; i < src.Length; i++)
        {
            if ((src[i].Value & HmmPfn.Migrate) == 0)
            {
                continue;
            }
            ref var from = ref srcCursor.ContentAt((int)src[i].Pfn);
            ref var to = ref dstCursor.ContentAt((int)dst[i].Pfn);
            if (bytes)
            {
                memory.CopyContent(from, ref to);
            }
            else
            {
                to.Value = from.Value;
            }
        }
        var scratch = parameters.Engines <= _engineFree.Length ? _engineFree.AsSpan() : new double[parameters.Engines];
        return CopyModel.Cost(srcFrames, dstFrames, parameters, scratch);
    }

    /// <inheritdoc/>
    /// <remarks>The plain engine builds the frame lists and copies as <see cref="Copy"/> does.</remarks>
    public bool TryCopyInEntryOrder(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst, int copies,
        in CopyParams parameters, out CopyCost cost)
    {
        var srcFrames = new long[copies];
        var dstFrames = new long[copies];
        var k = 0;
        for (var i = 0; i < src.Length; i++)
        {
            if ((src[i].Value & HmmPfn.Migrate) == 0)
            {
                continue;
            }
            srcFrames[k] = memory.FrameOf((int)src[i].Pfn);
            dstFrames[k] = memory.FrameOf((int)dst[i].Pfn);
            if (k > 0 && dstFrames[k] <= dstFrames[k - 1])
            {
                cost = default;
                return false;
            }
            k++;
        }
        cost = Copy(memory, src, dst, srcFrames, dstFrames, parameters);
        return true;
    }
}
