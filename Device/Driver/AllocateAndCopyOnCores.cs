using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Devices.Driver;

/// <summary>
/// The <c>page</c> rule toward a device for a large call on several cores, with the result of the one walk
/// (<see cref="DummyMigrateOps"/>): each part's migrating entries are counted on the cores
/// (<see cref="MigratingCountOnCores"/>); then, batch by batch of parts, the lowest free device pages are taken, in
/// ascending order, on the calling thread; then the batch's parts of the entries, each knowing from the count of
/// migrating entries before it which of those pages are its own, ready their destinations and move their stamps on the
/// cores, gathering their copies in runs; the runs are planned into the engine's commands afterwards in entry order, so
/// the commands are the one walk's. Entries past the last free page give up, as in the one walk. Kept by the driver; its
/// buffers grow to the largest call.
/// </summary>
internal sealed unsafe class AllocateAndCopyOnCores(PhysicalMemory memory) : PartitionedWork
{
    // Parts whose destinations are taken at a time (2 MiB of ids with the helper's 16,384-entry parts).
    private const int PartsPerBatch = 16;
    private long[] _pages = [];
    private int[] _before = [];
    private int _firstPart;
    private CopyRun[][] _runs = [];
    private int[] _runCount = [];
    private HmmPfn* _src;
    private HmmPfn* _dst;
    private int _entries;
    private int _partEntries;
    private int _have;
    private int _firstId;
    private ulong _destFlags;
    private readonly MigratingCountOnCores _counter = new();

    /// <summary>A gathered run of copies: <c>Length</c> frames from <c>Src</c> into device pages from <c>Dst</c>.</summary>
    private struct CopyRun
    {
        public long Src;
        public long Dst;
        public int Length;
    }

    /// <summary>Allocates, readies and copies as the one walk does, on up to <paramref name="workers"/> threads in parts of <paramref name="partEntries"/> entries.</summary>
    public CopyCost Run(DeviceMemory dev, BatchedCopyEngine engine, Span<HmmPfn> src, Span<HmmPfn> dst, ulong destFlags, int workers, int partEntries)
    {
        var parts = (src.Length + partEntries - 1) / partEntries;
        Grow(parts);
        _entries = src.Length;
        _partEntries = partEntries;
        var wanted = _counter.Run(src, partEntries, workers);
        var counts = _counter.Counts;
        if (wanted == 0 || dev.Free == 0)
        {
            // As the one walk: no page at all, every entry gives up and the engine sees no submission.
            DummyMigrateOps.GiveUpAll(src, dst);
            return default;
        }
        _firstId = dev.FirstId;
        _destFlags = destFlags;
        // Parts go in batches: a batch's pages are taken into a buffer that stays small (a call's worth of ids would be
        // 8 bytes more per page of the largest call, held by the driver: 80 MB at 10M pages).
        var batchParts = PartsPerBatch;
        fixed (HmmPfn* s = src)
        fixed (HmmPfn* d = dst)
        {
            _src = s;
            _dst = d;
            try
            {
                for (var b = 0; b < parts; b += batchParts)
                {
                    var end = Math.Min(parts, b + batchParts);
                    var batchWanted = 0;
                    for (var p = b; p < end; p++)
                    {
                        _before[p] = batchWanted;
                        batchWanted += counts[p];
                    }
                    if (_pages.Length < batchWanted)
                    {
                        _pages = GC.AllocateUninitializedArray<long>(batchWanted);
                    }
                    _have = batchWanted == 0 ? 0 : dev.AllocatePages(_pages.AsSpan(0, batchWanted));
                    _firstPart = b;
                    Run(end - b, workers);
                }
            }
            finally
            {
                _src = null;
                _dst = null;
            }
        }
        // Each command ends where a gathered run ends or is a full batch: at most one per run and one per batch of copies.
        long maxCommands = 0;
        for (var p = 0; p < parts; p++)
        {
            maxCommands += _runCount[p];
        }
        maxCommands += wanted / Math.Max(1, dev.Spec.Copy.MaxBatchPages);
        var builder = engine.BeginInWalk(dev.Spec.Copy, (int)Math.Min(maxCommands, Array.MaxLength));
        for (var p = 0; p < parts; p++)
        {
            var runs = _runs[p];
            for (var r = 0; r < _runCount[p]; r++)
            {
                if (!builder.AddRun(runs[r].Src, runs[r].Dst, runs[r].Length))
                {
                    throw new InvalidOperationException("device pages were handed out out of order");
                }
            }
        }
        return engine.EndInWalk(ref builder);
    }

    private void Grow(int parts)
    {
        if (_before.Length < parts)
        {
            _before = new int[parts];
            _runCount = new int[parts];
            Array.Resize(ref _runs, parts);
        }
        for (var p = 0; p < parts; p++)
        {
            _runs[p] ??= new CopyRun[64];
        }
    }

    /// <summary>Appends a run to the part's list, doubling it when full (the part's own slot: no other thread touches it).</summary>
    private void Push(int part, ref CopyRun[] runs, ref int count, in CopyRun run)
    {
        if (count == runs.Length)
        {
            Array.Resize(ref runs, runs.Length * 2);
            _runs[part] = runs;
        }
        runs[count++] = run;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Work(int batchPart)
    {
        var part = _firstPart + batchPart;
        var from = part * _partEntries;
        var to = Math.Min(_entries, from + _partEntries);
        var rank = _before[part];
        var runs = _runs[part];
        var count = 0;
        var run = default(CopyRun);
        var srcPages = new PageCursor(memory);
        var dstPages = new PageCursor(memory, concurrent: true);
        for (var i = from; i < to; i++)
        {
            var entry = _src[i].Value;
            if ((entry & HmmPfn.Migrate) == 0)
            {
                _dst[i] = default;
                continue;
            }
            if (rank >= _have)
            {
                // The device is full: this entry and every migrating one after it give up.
                DummyMigrateOps.GiveUp(ref _src[i], ref _dst[i]);
                continue;
            }
            var page = _pages[rank++];
            var id = _firstId + (int)page;
            _dst[i] = HmmPfn.From(id, _destFlags);
            var frame = DeviceDestination.Ready(memory, ref srcPages, ref dstPages, id, (int)(entry >> HmmPfn.Shift));
            if (run.Length > 0 && frame == run.Src + run.Length && page == run.Dst + run.Length)
            {
                run.Length++;
                continue;
            }
            if (run.Length > 0)
            {
                Push(part, ref runs, ref count, run);
            }
            run = new CopyRun { Src = frame, Dst = page, Length = 1 };
        }
        if (run.Length > 0)
        {
            Push(part, ref runs, ref count, run);
        }
        _runCount[part] = count;
        dstPages.Flush();
    }
}
