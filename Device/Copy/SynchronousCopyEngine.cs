using HmmEcs.Device.Memory;

namespace HmmEcs.Device.Copy;

/// <summary>
/// Copies each page on the calling thread (the seed's dummy driver used a CPU memcpy) and charges the
/// batched engine's model time, so results match the batched engine's.
/// </summary>
public sealed class SynchronousCopyEngine : ICopyEngine
{
    private readonly double[] _engineFree = new double[64];

    /// <inheritdoc/>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public CopyCost Copy(PhysicalMemory memory, ReadOnlySpan<int> srcIds, ReadOnlySpan<int> dstIds,
        ReadOnlySpan<long> srcFrames, ReadOnlySpan<long> dstFrames, in CopyParams parameters)
    {
        var srcCursor = new PageCursor(memory);
        var dstCursor = new PageCursor(memory);
        if (!memory.BytesPayload)
        {
            for (var k = 0; k < srcIds.Length; k++)
            {
                dstCursor.At(dstIds[k], out _).Content = srcCursor.At(srcIds[k], out _).Content;
            }
        }
        else
        {
            for (var k = 0; k < srcIds.Length; k++)
            {
                memory.CopyContent(srcCursor.At(srcIds[k], out _), ref dstCursor.At(dstIds[k], out _));
            }
        }
        var scratch = parameters.Engines <= _engineFree.Length ? _engineFree.AsSpan() : new double[parameters.Engines];
        return CopyModel.Cost(srcFrames, dstFrames, parameters, scratch);
    }
}
