using HmmEcs.Components.Migration;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;

namespace HmmEcs.Devices.Copy;

/// <summary>
/// A copy engine: takes all the copies of one migration at once, in ascending destination order,
/// moves the content and says what the model charges for them.
/// </summary>
public interface ICopyEngine
{
    /// <summary>
    /// Copies page <c>src[i]</c> into <c>dst[i]</c> for every entry whose source carries
    /// <see cref="HmmPfn.Migrate"/> (the migration's pfn arrays; their copies come in ascending
    /// destination order). <paramref name="srcFrames"/> and <paramref name="dstFrames"/> list the same
    /// copies' frame numbers (RAM frame or device page) for the time model.
    /// </summary>
    CopyCost Copy(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst,
        ReadOnlySpan<long> srcFrames, ReadOnlySpan<long> dstFrames, in CopyParams parameters);
}
