using BenchmarkDotNet.Attributes;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;

namespace HmmEcs.Benchmarks.Copy;

/// <summary>
/// Issue #4 item 5, token mode: the copies of a 1,048,576-page migration with every 64th page pinned
/// (as in the migrate benchmark) through the batched engine, against a bare loop that only moves the
/// stamps. The difference is the engine's bookkeeping (command formation, scheduling, dispatch).
/// </summary>
[Config(typeof(CopyBenchConfig))]
public class CopyTokenBenchmarks
{
    private const int Pages = 1_048_576;
    private CopyRig? _rig;
    private readonly BatchedCopyEngine _engine = new();
    private readonly BatchedCopyEngine _twoThreads = new(tokenParallelPages: 1 << 16, maxWorkers: 2);
    private CopyCommand[] _commands = [];
    private readonly double[] _engineFree = new double[1];

    /// <summary>Builds the machine (not measured).</summary>
    [GlobalSetup]
    public void Setup() => _rig = new CopyRig(Pages, bytes: false, pinnedEvery: 64);

    /// <summary>The bare stamp-copy loop: no commands, no scheduling.</summary>
    [Benchmark(Baseline = true)]
    public int BareStampLoop()
    {
        var memory = _rig!.Memory;
        var src = _rig.Src;
        var dst = _rig.Dst;
        var srcCursor = new PageCursor(memory);
        var dstCursor = new PageCursor(memory);
        var n = 0;
        for (var i = 0; i < src.Length; i++)
        {
            if ((src[i].Value & HmmPfn.Migrate) == 0)
            {
                continue;
            }
            dstCursor.ContentAt((int)dst[i].Pfn).Value = srcCursor.ContentAt((int)src[i].Pfn).Value;
            n++;
        }
        return n;
    }

    /// <summary>Command formation and scheduling alone.</summary>
    [Benchmark]
    public long PlanOnly() =>
        CopyCommandPlanner.Plan(_rig!.SrcFrames, _rig.DstFrames, CopyParams.Default, _engineFree, ref _commands, out _).Batches;

    /// <summary>The batched engine as the ECS machine builds it (token mode: stamps move on the calling thread).</summary>
    [Benchmark]
    public long Engine() =>
        _engine.Copy(_rig!.Memory, _rig.Src, _rig.Dst, _rig.SrcFrames, _rig.DstFrames, CopyParams.Default).Batches;

    /// <summary>The batched engine with the stamps spread over two threads.</summary>
    [Benchmark]
    public long EngineTwoThreads() =>
        _twoThreads.Copy(_rig!.Memory, _rig.Src, _rig.Dst, _rig.SrcFrames, _rig.DstFrames, CopyParams.Default).Batches;

    /// <summary>Frees the machine.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _rig?.Dispose();
        _rig = null;
        GC.Collect();
    }
}
