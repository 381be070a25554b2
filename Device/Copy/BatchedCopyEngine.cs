using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Device.Memory;

namespace HmmEcs.Device.Copy;

/// <summary>
/// The batched copy engine (SCENARIOS.md "The copy-engine model"): the driver hands it all copies of
/// one migration or fault at once; it cuts them into commands (runs of consecutive source and
/// destination frames, at most <see cref="CopyParams.MaxBatchPages"/>), schedules them over the
/// device's engines (earliest free, lowest on ties) and moves the content: the stamp in token mode,
/// 4096 bytes per page in bytes mode. Large submissions move their content on all cores; small ones
/// (a one-page fault) stay on the calling thread. The last submission's commands stay readable in
/// <see cref="LastCommands"/> until the next one.
/// </summary>
/// <remarks>
/// Departs from the 2016 dummy driver, whose <c>alloc_and_copy</c> did a CPU memcpy per page: a real
/// device's DMA engines take batched commands (research/device.md); the simulated ones are CPU threads.
/// Not thread-safe: one submission at a time, as the drivers that share it issue them.
/// </remarks>
public sealed unsafe class BatchedCopyEngine : ICopyEngine
{
    /// <summary>Default bytes-mode copies above which content moves on several threads (2 MiB).</summary>
    public const int DefaultBytesParallelPages = 512;

    /// <summary>Default token-mode copies above which stamps move on several threads.</summary>
    public const int DefaultTokenParallelPages = 1 << 16;

    private readonly int _bytesParallelPages;
    private readonly int _tokenParallelPages;
    private readonly int _maxWorkers;
    private readonly Action<int> _movePart;
    private double[] _engineFree = new double[64];
    private CopyCommand[] _commands = new CopyCommand[64];
    private int _commandCount;
    private int[] _srcSlots = [];
    private int[] _dstSlots = [];
    private int[] _partBounds = new int[9];

    // One submission's inputs, seen by the worker threads while Copy waits on them (pinned there).
    private PhysicalMemory? _memory;
    private HmmPfn* _src;
    private HmmPfn* _dst;

    /// <summary>
    /// An engine that moves submissions of more than <paramref name="bytesParallelPages"/> (bytes mode)
    /// or <paramref name="tokenParallelPages"/> (token mode) copies on up to
    /// <paramref name="maxWorkers"/> threads (0: one per core). Each thread gets at least a threshold's
    /// worth of pages.
    /// </summary>
    public BatchedCopyEngine(int bytesParallelPages = DefaultBytesParallelPages,
        int tokenParallelPages = DefaultTokenParallelPages, int maxWorkers = 0)
    {
        _bytesParallelPages = Math.Max(1, bytesParallelPages);
        _tokenParallelPages = Math.Max(1, tokenParallelPages);
        _maxWorkers = maxWorkers > 0 ? maxWorkers : Environment.ProcessorCount;
        _movePart = MovePart;
    }

    /// <summary>The commands of the last submission, in issue order (valid until the next one).</summary>
    public ReadOnlySpan<CopyCommand> LastCommands => _commands.AsSpan(0, _commandCount);

    /// <summary>What the last submission cost.</summary>
    public CopyCost LastCost { get; private set; }

    /// <summary>Threads the last submission's content moved on (1: the calling thread alone).</summary>
    public int LastWorkers { get; private set; }

    /// <inheritdoc/>
    public CopyCost Copy(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst,
        ReadOnlySpan<long> srcFrames, ReadOnlySpan<long> dstFrames, in CopyParams parameters)
    {
        if (src.Length != dst.Length)
        {
            throw new ArgumentException("source and destination entry arrays differ in length");
        }
        if (_engineFree.Length < parameters.Engines)
        {
            _engineFree = new double[parameters.Engines];
        }
        var cost = CopyCommandPlanner.Plan(srcFrames, dstFrames, parameters, _engineFree, ref _commands, out _commandCount);
        LastCost = cost;
        var copies = srcFrames.Length;
        var bytes = memory.BytesPayload;
        var threshold = bytes ? _bytesParallelPages : _tokenParallelPages;
        var workers = (int)Math.Min(_maxWorkers, copies / (long)threshold);
        workers = Math.Max(1, workers);
        LastWorkers = workers;
        if (bytes)
        {
            AssignSlots(memory, src, dst, copies);
            if (workers == 1)
            {
                CopySlots(memory.Payloads, 0, copies);
                return cost;
            }
            SplitCommands(workers);
        }
        else if (workers == 1)
        {
            MoveStamps(memory, src, dst);
            return cost;
        }
        else
        {
            SplitPositions(src.Length, workers);
        }
        fixed (HmmPfn* s = src)
        fixed (HmmPfn* d = dst)
        {
            _memory = memory;
            _src = s;
            _dst = d;
            try
            {
                Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _movePart);
            }
            finally
            {
                _memory = null;
                _src = null;
                _dst = null;
            }
        }
        return cost;
    }

    /// <summary>One worker's share: copy-index range <c>[bounds[part], bounds[part+1])</c> in bytes mode, entry-position range in token mode.</summary>
    private void MovePart(int part)
    {
        var memory = _memory!;
        var lo = _partBounds[part];
        var hi = _partBounds[part + 1];
        if (memory.BytesPayload)
        {
            CopySlots(memory.Payloads, lo, hi);
        }
        else
        {
            MoveStamps(memory, new ReadOnlySpan<HmmPfn>(_src + lo, hi - lo), new ReadOnlySpan<HmmPfn>(_dst + lo, hi - lo));
        }
    }

    /// <summary>Token mode: each migrating entry's stamp goes to its destination page.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void MoveStamps(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst)
    {
        var srcCursor = new PageCursor(memory);
        var dstCursor = new PageCursor(memory);
        for (var i = 0; i < src.Length; i++)
        {
            if ((src[i].Value & HmmPfn.Migrate) == 0)
            {
                continue;
            }
            dstCursor.At((int)dst[i].Pfn, out _).Content = srcCursor.At((int)src[i].Pfn, out _).Content;
        }
    }

    /// <summary>
    /// Bytes mode, on the calling thread: each copy's destination gets a payload slot when its source
    /// has one (a source without one reads as zero, so the destination drops its own), as
    /// <see cref="PhysicalMemory.CopyContent"/> does; the slot pairs are recorded by copy index.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void AssignSlots(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst, int copies)
    {
        if (_srcSlots.Length < copies)
        {
            var size = Math.Max(copies, _srcSlots.Length * 2);
            _srcSlots = new int[size];
            _dstSlots = new int[size];
        }
        var payloads = memory.Payloads;
        var srcCursor = new PageCursor(memory);
        var dstCursor = new PageCursor(memory);
        var n = 0;
        for (var i = 0; i < src.Length; i++)
        {
            if ((src[i].Value & HmmPfn.Migrate) == 0)
            {
                continue;
            }
            if (n == copies)
            {
                throw new ArgumentException("more migrating entries than frame pairs");
            }
            var from = srcCursor.At((int)src[i].Pfn, out _).Payload;
            ref var to = ref dstCursor.At((int)dst[i].Pfn, out _);
            if (from < 0)
            {
                if (to.Payload >= 0)
                {
                    payloads.Release(to.Payload);
                    to.Payload = -1;
                }
            }
            else if (to.Payload < 0)
            {
                to.Payload = payloads.Allocate();
            }
            _srcSlots[n] = from;
            _dstSlots[n] = to.Payload;
            n++;
        }
        if (n != copies)
        {
            throw new ArgumentException("fewer migrating entries than frame pairs");
        }
    }

    /// <summary>Bytes mode: copies the recorded slot pairs <c>[lo, hi)</c>, a run of consecutive slots in one memcpy.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void CopySlots(Content.PayloadStore payloads, int lo, int hi)
    {
        var srcSlots = _srcSlots;
        var dstSlots = _dstSlots;
        var k = lo;
        while (k < hi)
        {
            var s = srcSlots[k];
            if (s < 0)
            {
                k++;
                continue;
            }
            var d = dstSlots[k];
            var limit = Math.Min(hi - k, Math.Min(Content.PayloadStore.SlotsToSlabEnd(s), Content.PayloadStore.SlotsToSlabEnd(d)));
            var run = 1;
            while (run < limit && srcSlots[k + run] == s + run && dstSlots[k + run] == d + run)
            {
                run++;
            }
            payloads.Bytes(s, run).CopyTo(payloads.Bytes(d, run));
            k += run;
        }
    }

    /// <summary>Bytes mode: cuts the command list into <paramref name="parts"/> copy-index ranges of about equal pages, at command boundaries.</summary>
    private void SplitCommands(int parts)
    {
        EnsureParts(parts);
        var total = LastCost.Pages;
        var part = 1;
        long pages = 0;
        _partBounds[0] = 0;
        for (var c = 0; c < _commandCount && part < parts; c++)
        {
            pages += _commands[c].Pages;
            if (pages * parts >= total * part)
            {
                _partBounds[part++] = _commands[c].FirstIndex + _commands[c].Pages;
            }
        }
        while (part <= parts)
        {
            _partBounds[part++] = (int)total;
        }
    }

    /// <summary>Token mode: cuts the entry array into <paramref name="parts"/> equal position ranges (stamps move independently).</summary>
    private void SplitPositions(int entries, int parts)
    {
        EnsureParts(parts);
        for (var p = 0; p <= parts; p++)
        {
            _partBounds[p] = (int)((long)entries * p / parts);
        }
    }

    private void EnsureParts(int parts)
    {
        if (_partBounds.Length < parts + 1)
        {
            _partBounds = new int[parts + 1];
        }
    }
}
