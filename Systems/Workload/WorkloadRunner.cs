using System.Runtime.CompilerServices;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.Faults;
using HmmEcs.Systems.Workload.Streams;

namespace HmmEcs.Systems.Workload;

/// <summary>
/// Runs a <c>workload</c> on an engine: the lockstep streams, the fault buffer and the batcher, shared by both
/// engines so the access sequence and the batches are the same; what differs per engine (the mirror's state,
/// fault service, migration) goes through <see cref="IWorkloadTarget"/>.
/// </summary>
/// <remarks>
/// The device's streams issue in rounds: each stream that is not waiting issues its next access. A hit moves it
/// on; a miss puts the access in the fault buffer and the stream waits. The driver takes a batch when the buffer
/// holds <c>batchSize</c> faults or when no stream can run any more (every one waits or is done), as a GPU keeps
/// running its other warps while faults accumulate. Serviced, every waiting stream of the batch moves on past its
/// faulted access (the replay succeeds). The mirror's levels are kept per page of the range and re-read from the
/// engine for every span a service call touched: nothing else changes the mirror while a workload runs.
/// </remarks>
public static class WorkloadRunner
{
    /// <summary>Pages in a VA block (2 MiB, one PMD): the unit of one helper call.</summary>
    public const int BlockPages = 512;

    /// <summary>Runs <paramref name="request"/> over VMA pages <c>[first, first + count)</c> on <paramref name="target"/>, filling <paramref name="result"/>.</summary>
    public static void Run(WorkloadRequest request, long first, long count, IWorkloadTarget target, WorkloadResult result)
    {
        var run = new WorkloadRun(request, first, count, target, result);
        run.Execute();
    }

    /// <summary>One workload's state: every array is allocated once, before the first access.</summary>
    private sealed class WorkloadRun
    {
        private readonly WorkloadRequest _request;
        private readonly long _first;
        private readonly IWorkloadTarget _target;
        private readonly WorkloadResult _result;
        private readonly AccessStream _stream;
        private readonly byte[] _levels;
        private readonly long _accesses;
        private readonly int _parallel;
        private readonly int _batchSize;
        private readonly long[] _issued;
        private readonly int[] _active;
        private int _activeCount;
        // The fault buffer: a ring of (stream, page, write), at most one entry per stream.
        private readonly int[] _bufferStream;
        private readonly long[] _bufferPage;
        private readonly bool[] _bufferWrite;
        private int _head;
        private int _pending;
        // A batch's sorted keys (page · 2 + write) and one block's pages for the target.
        private readonly long[] _keys;
        private readonly long[] _blockPages = new long[BlockPages];
        private readonly bool[] _blockWrites = new bool[BlockPages];
        private readonly BatchLog _faultsPerBatch = new();
        private readonly BatchLog _blocksPerBatch = new();
        private BlockService _service;
        private double _faultServiceUs;

        public WorkloadRun(WorkloadRequest request, long first, long count, IWorkloadTarget target, WorkloadResult result)
        {
            _request = request;
            _first = first;
            _target = target;
            _result = result;
            _stream = new AccessStream(request.Pattern, count, request.Seed, request.WriteFraction);
            _levels = new byte[count];
            _accesses = request.Accesses;
            // More streams than accesses would never issue.
            _parallel = (int)Math.Min(request.Parallel, request.Accesses);
            _batchSize = request.Faults.BatchSize;
            _issued = new long[_parallel];
            _active = new int[_parallel];
            _bufferStream = new int[_parallel];
            _bufferPage = new long[_parallel];
            _bufferWrite = new bool[_parallel];
            _keys = new long[Math.Min(_batchSize, _parallel)];
        }

        public void Execute()
        {
            _target.ReadLevels(_first, _levels);
            for (var s = 0; s < _parallel; s++)
            {
                _active[s] = s;
            }
            _activeCount = _parallel;
            while (_activeCount > 0 || _pending > 0)
            {
                Round();
                if (_pending >= _batchSize || (_activeCount == 0 && _pending > 0))
                {
                    Service();
                }
            }
            _result.FaultsPerBatch = _faultsPerBatch.Distribution();
            _result.BlocksPerBatch = _blocksPerBatch.Distribution();
            _result.MigratedPages = _service.Migrated;
            _result.RemotePages = _service.Remote;
            _result.CopyBatches = _service.CopyBatches;
            _result.CopyUs = _service.CopyUs;
            _result.FaultServiceUs = _faultServiceUs;
        }

        /// <summary>Every running stream issues one access: hits move on, misses wait in the fault buffer.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Round()
        {
            var levels = _levels;
            var active = _active;
            var issued = _issued;
            long parallel = _parallel;
            long hits = 0;
            var kept = 0;
            var n = _activeCount;
            for (var a = 0; a < n; a++)
            {
                var s = active[a];
                var j = issued[s] * parallel + s;
                var page = _stream.PageAt(j);
                var write = _stream.IsWrite(j);
                if (levels[page] > (write ? MirrorLevel.Read : MirrorLevel.None))
                {
                    hits++;
                    if (++issued[s] * parallel + s < _accesses)
                    {
                        active[kept++] = s;
                    }
                }
                else
                {
                    var at = (_head + _pending) % _bufferStream.Length;
                    _bufferStream[at] = s;
                    _bufferPage[at] = page;
                    _bufferWrite[at] = write;
                    _pending++;
                }
            }
            _activeCount = kept;
            _result.Accesses += n;
            _result.Hits += hits;
            _result.Faults += n - hits;
        }

        /// <summary>The driver takes up to a batch of faults from the buffer and services them; their streams move on.</summary>
        private void Service()
        {
            var n = Math.Min(_batchSize, _pending);
            for (var e = 0; e < n; e++)
            {
                var at = (_head + e) % _bufferStream.Length;
                _keys[e] = _bufferPage[at] * 2 + (_bufferWrite[at] ? 1 : 0);
            }
            if (_request.Faults.Mode == FaultMode.Batched)
            {
                ServiceBatch(_keys.AsSpan(0, n));
            }
            else
            {
                ServiceOneByOne(_keys.AsSpan(0, n));
            }
            for (var e = 0; e < n; e++)
            {
                var s = _bufferStream[(_head + e) % _bufferStream.Length];
                if (++_issued[s] * _parallel + s < _accesses)
                {
                    _active[_activeCount++] = s;
                }
            }
            _head = (_head + n) % _bufferStream.Length;
            _pending -= n;
        }

        /// <summary>
        /// UVM's batch: duplicates filtered (a page faulted twice in the batch, or served since it faulted), the rest
        /// grouped by VA block, one service call per block.
        /// </summary>
        private void ServiceBatch(Span<long> keys)
        {
            // Sorting by page · 2 + write puts a page's faults together, a write last, and the blocks in order.
            keys.Sort();
            var blocks = 0;
            var serviced = 0;
            var inBlock = 0;
            var block = -1L;
            for (var e = 0; e < keys.Length;)
            {
                var page = keys[e] >> 1;
                var end = e + 1;
                while (end < keys.Length && keys[end] >> 1 == page)
                {
                    end++;
                }
                var write = (keys[end - 1] & 1) != 0;
                var duplicates = end - e - 1;
                if (_levels[page] > (write ? MirrorLevel.Read : MirrorLevel.None))
                {
                    duplicates++;
                }
                else
                {
                    var vmaPage = _first + page;
                    if (vmaPage / BlockPages != block && inBlock > 0)
                    {
                        ServiceBlock(inBlock);
                        inBlock = 0;
                    }
                    if (inBlock == 0)
                    {
                        block = vmaPage / BlockPages;
                        blocks++;
                    }
                    _blockPages[inBlock] = vmaPage;
                    _blockWrites[inBlock] = write;
                    inBlock++;
                    serviced++;
                }
                _result.DuplicateFaults += duplicates;
                e = end;
            }
            if (inBlock > 0)
            {
                ServiceBlock(inBlock);
            }
            EndBatch(keys.Length, blocks, serviced);
        }

        /// <summary>amdgpu's way: the faults one at a time in arrival order, each a batch of its own; one already served is a duplicate.</summary>
        private void ServiceOneByOne(Span<long> keys)
        {
            foreach (var key in keys)
            {
                var page = key >> 1;
                var write = (key & 1) != 0;
                if (_levels[page] > (write ? MirrorLevel.Read : MirrorLevel.None))
                {
                    _result.DuplicateFaults++;
                    continue;
                }
                _blockPages[0] = _first + page;
                _blockWrites[0] = write;
                ServiceBlock(1);
                EndBatch(1, 1, 1);
            }
        }

        /// <summary>One service call over the block's first <paramref name="pages"/> listed pages, then the levels of the span it touched.</summary>
        private void ServiceBlock(int pages)
        {
            _target.ServiceBlock(_blockPages.AsSpan(0, pages), _blockWrites.AsSpan(0, pages), ref _service);
            var lo = _blockPages[0] - _first;
            var hi = _blockPages[pages - 1] - _first;
            _target.ReadLevels(_blockPages[0], _levels.AsSpan((int)lo, (int)(hi - lo + 1)));
        }

        private void EndBatch(int faults, int blocks, int serviced)
        {
            _result.Batches++;
            _faultsPerBatch.Add(faults);
            _blocksPerBatch.Add(blocks);
            var costs = _request.Faults.Costs;
            _faultServiceUs += costs.BatchUs + blocks * costs.BlockUs + serviced * costs.PageUs;
        }
    }
}
