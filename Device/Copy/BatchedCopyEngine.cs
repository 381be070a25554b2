using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;

namespace HmmEcs.Devices.Copy;

/// <summary>
/// The batched copy engine (docs/scenarios.md "The copy-engine model"): the driver hands it all copies of
/// one migration or fault at once; it cuts them into commands (runs of consecutive source and
/// destination frames, at most <see cref="CopyParams.MaxBatchPages"/>), schedules them over the
/// device's engines (earliest free, lowest on ties) and moves the content through the pages'
/// <see cref="Components.Memory.PageContent"/> column: the stamp in token mode, 4096 bytes per page in
/// bytes mode. Large submissions move their content on all cores; small ones
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

    // Work is claimed in chunks this size so that a helper that gets a core late takes less, not the
    // caller's wait: on a busy machine the caller may do it all.
    private const int BytesChunkPages = 512;
    private const int TokenChunkPages = 16384;

    /// <summary>
    /// Default token-mode copies above which stamps move on several threads: never. An 8-byte stamp
    /// per page is cheaper to move than to share out: a 1M-page submission was not faster on two
    /// threads than on one on the 2-core bench machine (docs/perf-copy.md); pass a threshold to spread
    /// them anyway.
    /// </summary>
    public const int DefaultTokenParallelPages = int.MaxValue;

    private readonly int _bytesParallelPages;
    private readonly int _tokenParallelPages;
    private readonly int _maxWorkers;
    private double[] _engineFree = new double[64];
    private CopyCommand[] _commands = new CopyCommand[64];
    private int _commandCount;
    private int[] _srcSlots = [];
    private int[] _dstSlots = [];
    private int[] _partBounds = new int[9];

    /// <summary>
    /// An engine that moves submissions of more than <paramref name="bytesParallelPages"/> (bytes mode)
    /// or <paramref name="tokenParallelPages"/> (token mode) copies on up to
    /// <paramref name="maxWorkers"/> threads (0: one per core), at most one per threshold's worth of
    /// copies.
    /// </summary>
    public BatchedCopyEngine(int bytesParallelPages = DefaultBytesParallelPages,
        int tokenParallelPages = DefaultTokenParallelPages, int maxWorkers = 0)
    {
        _bytesParallelPages = Math.Max(1, bytesParallelPages);
        _tokenParallelPages = Math.Max(1, tokenParallelPages);
        _maxWorkers = maxWorkers > 0 ? maxWorkers : Environment.ProcessorCount;
    }

    /// <summary>The commands of the last submission, in issue order (valid until the next one).</summary>
    public ReadOnlySpan<CopyCommand> LastCommands => _commands.AsSpan(0, _commandCount);

    /// <summary>What the last submission cost.</summary>
    public CopyCost LastCost { get; private set; }

    /// <summary>Threads the last submission's content could move on (1: the calling thread alone; helpers that got no core in time leave their share to the others).</summary>
    public int LastWorkers { get; private set; }

    /// <inheritdoc/>
    public CopyCost Copy(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst,
        ReadOnlySpan<long> srcFrames, ReadOnlySpan<long> dstFrames, in CopyParams parameters)
    {
        if (src.Length != dst.Length)
        {
            throw new ArgumentException("source and destination entry arrays differ in length");
        }
        EnsureEngines(parameters);
        var cost = CopyCommandPlanner.Plan(srcFrames, dstFrames, parameters, _engineFree, ref _commands, out _commandCount);
        LastCost = cost;
        return Move(memory, src, dst, srcFrames.Length, cost);
    }

    /// <inheritdoc/>
    public bool TryCopyInEntryOrder(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst, int copies,
        in CopyParams parameters, out CopyCost cost)
    {
        if (src.Length != dst.Length)
        {
            throw new ArgumentException("source and destination entry arrays differ in length");
        }
        EnsureEngines(parameters);
        if (!CopyCommandPlanner.TryPlanEntries(memory, src, dst, parameters, _engineFree, ref _commands, out _commandCount, out cost))
        {
            _commandCount = 0;
            return false;
        }
        if (cost.Pages != copies)
        {
            throw new ArgumentException($"{cost.Pages} migrating entries, {copies} copies announced");
        }
        LastCost = cost;
        cost = Move(memory, src, dst, copies, cost);
        return true;
    }

    /// <summary>
    /// True when a token-mode submission of <paramref name="copies"/> copies would move its stamps on the calling
    /// thread: a driver may then move them itself while it hands out destinations, and plan the commands in the same
    /// walk (<see cref="BeginInWalk"/>, <see cref="EndInWalk"/>).
    /// </summary>
    internal bool MovesStampsInline(PhysicalMemory memory, int copies) =>
        !memory.BytesPayload && Math.Min(_maxWorkers, copies / (long)_tokenParallelPages) <= 1;

    /// <summary>
    /// Opens a submission whose copies the caller adds in destination order as it moves their stamps; a caller that knows
    /// at most how many commands it will form passes <paramref name="maxCommands"/>, so that the command array is made
    /// once at that size instead of grown by doubling (a 10M-page call forms 327,680 commands, 15 MB: doubling copied and
    /// dropped as much again, all of it memory the process had not touched, on the calling thread).
    /// </summary>
    internal CommandRunBuilder BeginInWalk(in CopyParams parameters, int maxCommands = 0)
    {
        EnsureEngines(parameters);
        _commandCount = 0;
        if (_commands.Length < maxCommands)
        {
            // The old commands are not kept: the submission starts from none. The builder writes from the front while
            // a second core populates the new array from the back.
            _commands = [];
            _commands = GC.AllocateUninitializedArray<CopyCommand>(maxCommands);
            Engine.Prefault.Start(Engine.Prefault.Region.Of(_commands));
        }
        return new CommandRunBuilder(parameters, _engineFree, _commands);
    }

    /// <summary>Closes a submission opened by <see cref="BeginInWalk"/>: its commands become <see cref="LastCommands"/>.</summary>
    internal CopyCost EndInWalk(ref CommandRunBuilder runs)
    {
        var cost = runs.Finish(out _commands, out _commandCount);
        LastCost = cost;
        LastWorkers = 1;
        return cost;
    }

    private void EnsureEngines(in CopyParams parameters)
    {
        if (_engineFree.Length < parameters.Engines)
        {
            _engineFree = new double[parameters.Engines];
        }
    }

    /// <summary>Moves the content of the planned copies, on the calling thread or on several.</summary>
    private CopyCost Move(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst, int copies, CopyCost cost)
    {
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
        }
        else if (workers == 1)
        {
            MoveStamps(memory, src, dst);
            return cost;
        }
        var chunks = bytes ? SplitCommands(Math.Min(threshold, BytesChunkPages)) : SplitPositions(src.Length, Math.Min(threshold, TokenChunkPages));
        fixed (HmmPfn* s = src)
        fixed (HmmPfn* d = dst)
        {
            new ContentMoveJob(this, memory, s, d, _partBounds).Run(chunks, workers);
        }
        return cost;
    }

    /// <summary>
    /// Moves one chunk: copy-index range <c>[lo, hi)</c> in bytes mode, entry-position range in token
    /// mode. Safe on several threads at once for disjoint chunks: bytes go slot to slot (every slot was
    /// assigned before), stamps page to page.
    /// </summary>
    internal void MoveChunk(PhysicalMemory memory, HmmPfn* src, HmmPfn* dst, int lo, int hi)
    {
        if (memory.BytesPayload)
        {
            CopySlots(memory.Payloads, lo, hi);
        }
        else
        {
            MoveStamps(memory, new ReadOnlySpan<HmmPfn>(src + lo, hi - lo), new ReadOnlySpan<HmmPfn>(dst + lo, hi - lo));
        }
    }

    /// <summary>
    /// Token mode: each migrating entry's stamp goes to its destination page. Entries whose source and
    /// destination ids both run on by one (same flags, same chunks) move as one span of the content column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MoveStamps(PhysicalMemory memory, ReadOnlySpan<HmmPfn> src, ReadOnlySpan<HmmPfn> dst)
    {
        const ulong next = 1UL << HmmPfn.Shift;
        var srcCursor = new PageCursor(memory);
        var dstCursor = new PageCursor(memory);
        var i = 0;
        while (i < src.Length)
        {
            var s = src[i].Value;
            if ((s & HmmPfn.Migrate) == 0)
            {
                i++;
                continue;
            }
            var d = dst[i].Value;
            var from = srcCursor.ContentsFrom((int)(s >> HmmPfn.Shift));
            var to = dstCursor.ContentsFrom((int)(d >> HmmPfn.Shift));
            var limit = Math.Min(src.Length - i, Math.Min(from.Length, to.Length));
            var run = 1;
            while (run < limit && src[i + run].Value == s + (ulong)run * next && dst[i + run].Value == d + (ulong)run * next)
            {
                run++;
            }
            from[..run].CopyTo(to);
            i += run;
        }
    }

    /// <summary>
    /// Bytes mode, on the calling thread: each copy's destination gets a payload slot when its source
    /// has one (a source without one reads as zero, so the destination drops its own), as
    /// <see cref="PhysicalMemory.CopyContent"/> does; the slot pairs are recorded by copy index.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
            var from = srcCursor.ContentAt((int)src[i].Pfn).Payload;
            ref var to = ref dstCursor.ContentAt((int)dst[i].Pfn);
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>Bytes mode: cuts the command list into chunks of about <paramref name="chunkPages"/> copies at command boundaries; returns how many.</summary>
    private int SplitCommands(int chunkPages)
    {
        EnsureParts((int)Math.Min(_commandCount, LastCost.Pages / chunkPages + 1) + 1);
        var chunks = 0;
        var pages = 0;
        _partBounds[0] = 0;
        for (var c = 0; c < _commandCount; c++)
        {
            pages += _commands[c].Pages;
            if (pages >= chunkPages || c == _commandCount - 1)
            {
                _partBounds[++chunks] = _commands[c].FirstIndex + _commands[c].Pages;
                pages = 0;
            }
        }
        return chunks;
    }

    /// <summary>Token mode: cuts the entry array into position ranges of <paramref name="chunkEntries"/> (stamps move independently); returns how many.</summary>
    private int SplitPositions(int entries, int chunkEntries)
    {
        var chunks = (entries + chunkEntries - 1) / chunkEntries;
        EnsureParts(chunks + 1);
        for (var c = 0; c <= chunks; c++)
        {
            _partBounds[c] = (int)Math.Min(entries, (long)c * chunkEntries);
        }
        return chunks;
    }

    private void EnsureParts(int parts)
    {
        if (_partBounds.Length < parts + 1)
        {
            _partBounds = new int[parts + 1];
        }
    }
}
