using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Frames;

namespace HmmEcs.Devices.Driver;

/// <summary>
/// The copy engine's frame lists of one <c>alloc_and_copy</c>, filled while destinations are handed
/// out (so the src/dst arrays are walked once, not again for the copy): entry <c>k</c> is the
/// <c>k</c>-th migrating page in address order. Adding a pair also readies the destination page
/// (allocated, empty, locked).
/// </summary>
internal ref struct CopyList
{
    private readonly PhysicalMemory _memory;
    private readonly int _count;
    private readonly int _ramPages;
    private PageCursor _dstPages;
    private int _sourceDevice;
    private int _sourceEntry;

    /// <summary>Lists for <paramref name="count"/> copies into <paramref name="target"/> (-1: RAM).</summary>
    public CopyList(PhysicalMemory memory, int target, int count)
    {
        _memory = memory;
        _count = count;
        _ramPages = memory.RamPages;
        _dstPages = new PageCursor(memory);
        _sourceDevice = -1;
        _sourceEntry = int.MaxValue;
    }

    /// <summary>Entry <paramref name="k"/>: page <paramref name="srcId"/> copies into page <paramref name="dstId"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int k, int srcId, int dstId)
    {
        // The device of the first device-resident source in address order (entries may be set backwards).
        if (srcId >= _ramPages && k < _sourceEntry)
        {
            _sourceEntry = k;
            _sourceDevice = _memory.DeviceOf(srcId);
        }
        ref var page = ref _dstPages.At(dstId, out var row);
        page = Page.Free;
        page.Flags = PageFlags.Allocated;
        _dstPages.ContentOfRow(row) = default;
        _dstPages.SetLocked(row, true);
    }

    /// <summary>Hands the lists to the copy engine (in destination order, sorting only when they are not) and gives the arrays back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CopyCost Submit(ICopyEngine engine, int target, Span<HmmPfn> src, Span<HmmPfn> dst)
    {
        _dstPages.Flush();
        // Params of the device involved: the target for RAM→device and device→device, the source for device→RAM.
        var paramsDevice = target >= 0 ? target : _sourceDevice;
        var p = paramsDevice >= 0 ? _memory.Devices[paramsDevice].Spec.Copy : CopyParams.Default;
        // Destinations usually ascend with the entries (the lowest free frames, in address order): the engine plans
        // from the entries themselves. Otherwise the copies are sorted by destination first.
        return engine.TryCopyInEntryOrder(_memory, src, dst, _count, p, out var cost) ? cost : CopySorted(engine, src, dst, p);
    }

    private readonly CopyCost CopySorted(ICopyEngine engine, Span<HmmPfn> src, Span<HmmPfn> dst, in CopyParams p)
    {
        var n = _count;
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
        return engine.Copy(_memory, sortedSrc, sortedDst, srcFrames, keys, p);
    }
}
