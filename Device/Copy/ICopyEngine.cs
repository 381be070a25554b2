using HmmEcs.Device.Memory;

namespace HmmEcs.Device.Copy;

/// <summary>
/// A copy engine: takes all the copies of one migration at once, in ascending destination order,
/// moves the content and says what the model charges for them.
/// </summary>
public interface ICopyEngine
{
    /// <summary>
    /// Copies page <c>srcIds[k]</c> into <c>dstIds[k]</c> for every k; <paramref name="srcFrames"/> and
    /// <paramref name="dstFrames"/> are their frame numbers (RAM frame or device page) for the time model.
    /// </summary>
    CopyCost Copy(PhysicalMemory memory, ReadOnlySpan<int> srcIds, ReadOnlySpan<int> dstIds,
        ReadOnlySpan<long> srcFrames, ReadOnlySpan<long> dstFrames, in CopyParams parameters);
}
