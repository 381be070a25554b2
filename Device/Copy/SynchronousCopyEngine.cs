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
    public CopyCost Copy(PhysicalMemory memory, ReadOnlySpan<int> srcIds, ReadOnlySpan<int> dstIds,
        ReadOnlySpan<long> srcFrames, ReadOnlySpan<long> dstFrames, in CopyParams parameters)
    {
        for (var k = 0; k < srcIds.Length; k++)
        {
            ref var src = ref memory.PageRef(srcIds[k]);
            ref var dst = ref memory.PageRef(dstIds[k]);
            memory.CopyContent(src, ref dst);
        }
        var scratch = parameters.Engines <= _engineFree.Length ? _engineFree.AsSpan() : new double[parameters.Engines];
        return CopyModel.Cost(srcFrames, dstFrames, parameters, scratch);
    }
}
