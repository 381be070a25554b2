using BenchmarkDotNet.Attributes;
using HmmEcs.Devices.Content;
using HmmEcs.Devices.Copy;

namespace HmmEcs.Benchmarks.Copy;

/// <summary>
/// Issue #4 item 5, bytes mode: 262,144 written pages (1 GiB) copied into fresh device pages by the
/// batched engine, against a plain single-threaded memcpy of the same bytes over the same slot layout.
/// Each iteration starts from destination pages without payload slots, as the driver hands them over.
/// </summary>
[Config(typeof(CopySingleShotConfig))]
public class CopyBytesBenchmarks
{
    private const int Pages = 262_144;
    private CopyRig? _rig;
    private int[] _dstSlots = [];
    private readonly BatchedCopyEngine _engine = new();
    private readonly BatchedCopyEngine _oneThread = new(maxWorkers: 1);

    /// <summary>Builds the machine and touches every destination slot once (not measured).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _rig = new CopyRig(Pages, bytes: true, pinnedEvery: 0);
        _engine.Copy(_rig.Memory, _rig.Src, _rig.Dst, _rig.SrcFrames, _rig.DstFrames, CopyParams.Default);
        _dstSlots = new int[Pages];
        for (var i = 0; i < Pages; i++)
        {
            _dstSlots[i] = _rig.Memory.ContentRef((int)_rig.Dst[i].Pfn).Payload;
        }
    }

    /// <summary>
    /// Gives the destination slots back (highest first, so the store hands them out again lowest first,
    /// in the same layout each time) and leaves the destination pages empty.
    /// </summary>
    [IterationSetup(Targets = [nameof(Engine), nameof(EngineOneThread)])]
    public void EmptyDestinations()
    {
        var memory = _rig!.Memory;
        for (var i = Pages - 1; i >= 0; i--)
        {
            ref var page = ref memory.ContentRef((int)_rig.Dst[i].Pfn);
            if (page.Payload >= 0)
            {
                memory.Payloads.Release(page.Payload);
                page.Payload = -1;
            }
        }
    }

    /// <summary>The batched engine: slot assignment, commands, and the bytes on every core.</summary>
    [Benchmark]
    public long Engine() =>
        _engine.Copy(_rig!.Memory, _rig.Src, _rig.Dst, _rig.SrcFrames, _rig.DstFrames, CopyParams.Default).Batches;

    /// <summary>The batched engine held to the calling thread.</summary>
    [Benchmark]
    public long EngineOneThread() =>
        _oneThread.Copy(_rig!.Memory, _rig.Src, _rig.Dst, _rig.SrcFrames, _rig.DstFrames, CopyParams.Default).Batches;

    /// <summary>
    /// The plain baseline: one thread, one memcpy per run of slots that are consecutive on both sides
    /// within a slab (here whole 1 MiB slabs), with no page bookkeeping at all.
    /// </summary>
    [Benchmark(Baseline = true)]
    public long Memcpy()
    {
        var memory = _rig!.Memory;
        var payloads = memory.Payloads;
        var src = _rig.Src;
        var k = 0;
        while (k < Pages)
        {
            var s = memory.ContentRef((int)src[k].Pfn).Payload;
            var d = _dstSlots[k];
            var run = Math.Min(Pages - k, Math.Min(PayloadStore.SlotsToSlabEnd(s), PayloadStore.SlotsToSlabEnd(d)));
            payloads.Bytes(s, run).CopyTo(payloads.Bytes(d, run));
            k += run;
        }
        return k;
    }

    /// <summary>Frees the 2 GiB.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _rig?.Dispose();
        _rig = null;
        GC.Collect();
    }
}
