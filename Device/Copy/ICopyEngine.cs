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

    /// <summary>
    /// <see cref="Copy"/> without frame lists: the <paramref name="copies"/> entries whose source carries
    /// <see cref="HmmPfn.Migrate"/> are taken in entry order and their frames read from the entries (a 10M-page migrate
    /// saves two 80 MB lists). Returns false, copying nothing, when their destination frames do not ascend.
    /// </summary>
    bool TryCopyInEntryOrder(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst, int copies,
        in CopyParams parameters, out CopyCost cost);
}
