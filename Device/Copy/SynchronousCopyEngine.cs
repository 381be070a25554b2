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
}
