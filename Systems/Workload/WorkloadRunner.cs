using System.Runtime.CompilerServices;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.Faults;
using HmmEcs.Systems.Workload.Policies;
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
/// When a block's faulting pages need more device pages than are free, the eviction policy gives victims (see
/// <see cref="IWorkloadPolicies"/>), moved back to RAM one helper call per VA block before the block's own call.
/// </remarks>
public static class WorkloadRunner
{
    /// <summary>Pages in a VA block (2 MiB, one PMD): the unit of one helper call.</summary>
    public const int BlockPages = 512;

    /// <summary>Runs <paramref name="request"/> over VMA pages <c>[first, first + count)</c> on <paramref name="target"/>, filling <paramref name="result"/>.</summary>
    public static void Run(WorkloadRequest request, long first, long count, IWorkloadTarget target, WorkloadResult result) =>
        Run(request, first, count, target, result, new PlainPolicies(request, first, count));

    /// <summary>
    /// Runs <paramref name="request"/> over VMA pages <c>[first, first + count)</c> on <paramref name="target"/> under
    /// <paramref name="policies"/> (the eviction, prefetch and thrashing policies), filling <paramref name="result"/>.
    /// </summary>
    public static void Run<TPolicies>(WorkloadRequest request, long first, long count, IWorkloadTarget target, WorkloadResult result, TPolicies policies)
        where TPolicies : struct, IWorkloadPolicies
    {
        var run = new WorkloadRun<TPolicies>(request, first, count, target, result, policies);
        try
        {
            run.Execute();
        }
        finally
        {
            run.Dispose();
        }
    }

    /// <summary>Set beside a page's level (the runner's own bit, never the engine's) once it was evicted, until it faults again.</summary>
    private const byte Evicted = 8;

    /// <summary>Set beside a page's level (the runner's own bit) while a prefetched page waits for its first access.</summary>
    private const byte PrefetchUnused = 16;

    /// <summary>Set beside a page's level (the runner's own bit) while the thrashing policy pins it in RAM, mapped remotely.</summary>
    private const byte Pinned = 32;

    /// <summary>
    /// Set beside a page's level (the runner's own bit) once its pin ran out, until it is serviced: the driver dropped
    /// its remote mapping, so the runner sees no access level for it (the engine's mirror entry is left to the next
    /// service call, which moves the page).
    /// </summary>
    private const byte Lapsed = 64;

    /// <summary>The runner's own bits, which a refresh from the engine keeps.</summary>
    private const byte RunnerBits = Evicted | PrefetchUnused | Pinned | Lapsed;

    /// <summary>One workload's state: every array is allocated once, before the first access.</summary>
    private sealed class WorkloadRun<TPolicies> where TPolicies : struct, IWorkloadPolicies
    {
        // Not readonly: the policies are a struct whose calls must run on this field, not on a defensive copy.
        private TPolicies _policies;
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
        // One helper call's list: the faulting pages and what the prefetcher adds, in page order.
        private readonly long _count;
        private readonly bool _prefetches;
        private readonly long[] _callPages = new long[BlockPages];
        private readonly bool[] _callWrites = new bool[BlockPages];
        private readonly bool[] _callFaulted = new bool[BlockPages];
        private readonly bool[] _occupied = new bool[BlockPages];
        private readonly bool[] _wanted = new bool[BlockPages];
        private readonly int[] _faultOffsets = new int[BlockPages];
        private readonly BatchLog _faultsPerBatch = new();
        private readonly BatchLog _blocksPerBatch = new();
        private BlockService _service;
        private double _faultServiceUs;
        private double _evictServiceUs;
        private long _prefetched;
        private long _batchPages;
        private long _prefetchUsed;
        // Eviction: whether a policy evicts, the levels a refresh reads, the pages that join the order at the
        // batch's end, and the victims of one eviction.
        private readonly bool _evicts;
        private readonly bool _watchHits;
        private readonly byte[] _fresh = new byte[BlockPages];
        private long[] _joining = new long[BlockPages];
        private int _joiningCount;
        private long[] _victims = new long[BlockPages];
        private int[] _taken = new int[BlockPages];
        private readonly int[] _evictedPages = new int[BlockPages];
        // Thrashing (off unless the policies detect it): the faulting pages it looks at and its verdicts, the pages of
        // a block served where they are, the throttle time.
        private readonly bool _thrashes;
        private readonly int[] _thrashCandidates = new int[BlockPages];
        private readonly bool[] _thrashPin = new bool[BlockPages];
        private readonly bool[] _stillPinned = new bool[BlockPages];
        private readonly long[] _remotePages = new long[BlockPages];
        private readonly bool[] _remoteWrites = new bool[BlockPages];
        private double _throttleUs;
        private bool _throttledBatch;
        // Access counters (access-counters mode): per region of the range its count and whether it holds a counter or
        // waits for migration, the counters in use, the regions notified in order, and whether a block's call
        // migrates a notified region (not a fault's).
        private readonly bool _countersMode;
        private readonly AccessCounterSettings _counters;
        private readonly long _firstRegion;
        private readonly long[] _regionCount = [];
        private readonly bool[] _hasCounter = [];
        private readonly bool[] _notified = [];
        private readonly long[] _notifications = [];
        private int _notificationCount;
        private int _countersUsed;
        private bool _regionCall;

        public WorkloadRun(WorkloadRequest request, long first, long count, IWorkloadTarget target, WorkloadResult result, TPolicies policies)
        {
            _request = request;
            _first = first;
            _count = count;
            _target = target;
            _policies = policies;
            _countersMode = request.Faults.Mode == FaultMode.AccessCounters;
            // Under access counters a notified region migrates whole: there is nothing for a prefetcher to add.
            _prefetches = policies.Prefetches && !_countersMode;
            if (_countersMode)
            {
                _counters = request.Faults.Counters;
                _firstRegion = first / _counters.GranularityPages;
                var regions = (first + count - 1) / _counters.GranularityPages - _firstRegion + 1;
                _regionCount = new long[regions];
                _hasCounter = new bool[regions];
                _notified = new bool[regions];
                _notifications = new long[regions];
            }
            _evicts = policies.Evicts;
            _watchHits = policies.WatchesHits;
            _thrashes = policies.DetectsThrashing;
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

        /// <summary>Closes a trace's file.</summary>
        public void Dispose() => _stream.Dispose();

        /// <summary>The modelled time so far (fault service, copies, evictions, throttling), µs: the thrashing policy's clock.</summary>
        private double Now() => _faultServiceUs + _service.CopyUs + _evictServiceUs + _service.EvictCopyUs + _throttleUs;

        public void Execute()
        {
            _target.ReadLevels(_first, _levels);
            if (_evicts)
            {
                // What the device holds of the range before the first access, in page order.
                for (var k = 0; k < _levels.Length; k++)
                {
                    if ((_levels[k] & MirrorLevel.OnDevice) != 0)
                    {
                        _policies.Join(k);
                    }
                }
                _policies.EndBatch();
            }
            for (var s = 0; s < _parallel; s++)
            {
                _active[s] = s;
            }
            _activeCount = _parallel;
            while (_activeCount > 0 || _pending > 0)
            {
                Round();
                if (_notificationCount > 0)
                {
                    ServiceNotifications();
                }
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
            _result.EvictUs = _evictServiceUs + _service.EvictCopyUs;
            _result.Prefetched = _prefetched;
            _result.PrefetchUsed = _prefetchUsed;
            _result.ThrottleUs = _throttleUs;
        }

        /// <summary>A device access served remotely to range page <paramref name="page"/>: its region's counter counts it.</summary>
        private void CountRemote(long page)
        {
            var r = (_first + page) / _counters.GranularityPages - _firstRegion;
            if (!_hasCounter[r])
            {
                if (_countersUsed == _counters.Counters)
                {
                    // Every counter tracks another region: this access goes uncounted.
                    return;
                }
                _hasCounter[r] = true;
                _countersUsed++;
            }
            if (++_regionCount[r] >= _counters.Threshold && !_notified[r])
            {
                _notified[r] = true;
                _notifications[_notificationCount++] = r;
            }
        }

        /// <summary>
        /// The driver services the round's access-counter notifications in arrival order: each region's pages in the
        /// range that are not on the device (nor pinned) migrate, one helper call per VA block (with eviction as for a
        /// fault), and its counter is freed. Costs as a batch: once, per block, per page.
        /// </summary>
        private void ServiceNotifications()
        {
            var blocks = 0;
            for (var n = 0; n < _notificationCount; n++)
            {
                var r = _notifications[n];
                var lo = Math.Max(_first, (_firstRegion + r) * _counters.GranularityPages);
                var hi = Math.Min(_first + _count, (_firstRegion + r + 1) * _counters.GranularityPages);
                for (var block = lo; block < hi; block = (block / BlockPages + 1) * BlockPages)
                {
                    var end = Math.Min(hi, (block / BlockPages + 1) * BlockPages);
                    var inBlock = 0;
                    for (var p = block; p < end; p++)
                    {
                        if ((_levels[p - _first] & (MirrorLevel.OnDevice | Pinned)) == 0)
                        {
                            _blockPages[inBlock] = p;
                            _blockWrites[inBlock++] = false;
                        }
                    }
                    if (inBlock > 0)
                    {
                        _regionCall = true;
                        ServiceBlock(inBlock);
                        _regionCall = false;
                        blocks++;
                    }
                }
                _regionCount[r] = 0;
                _hasCounter[r] = false;
                _notified[r] = false;
                _countersUsed--;
            }
            _result.Notifications += _notificationCount;
            _notificationCount = 0;
            EndJoins();
            var costs = _request.Faults.Costs;
            _faultServiceUs += costs.BatchUs + blocks * costs.BlockUs + _batchPages * costs.PageUs;
            _batchPages = 0;
            _throttledBatch = false;
        }

        /// <summary>
        /// Access counters: a fault batch's block pages that are not on the device are served where they are (no
        /// migration); those on the device (a write to a read-only page) stay in the list, compacted, for the usual
        /// service; returns how many stay.
        /// </summary>
        private int MapBlockRemote(int faulting)
        {
            var kept = 0;
            var remote = 0;
            for (var f = 0; f < faulting; f++)
            {
                var page = _blockPages[f];
                var k = (int)(page - _first);
                if ((_levels[k] & MirrorLevel.OnDevice) != 0)
                {
                    _blockPages[kept] = page;
                    _blockWrites[kept++] = _blockWrites[f];
                    continue;
                }
                if ((_levels[k] & Evicted) != 0)
                {
                    _result.Refaults++;
                    _levels[k] &= unchecked((byte)~Evicted);
                }
                _remotePages[remote] = page;
                _remoteWrites[remote++] = _blockWrites[f];
            }
            MapRemote(remote);
            return kept;
        }

        /// <summary>The first <paramref name="remote"/> pages of the remote lists are mapped where they are, without migration.</summary>
        private void MapRemote(int remote)
        {
            if (remote > 0)
            {
                var pages = _remotePages.AsSpan(0, remote);
                _target.MapRemote(pages, _remoteWrites.AsSpan(0, remote), ref _service);
                _batchPages += remote;
                Refresh(pages[0], pages[^1]);
            }
        }

        /// <summary>Every running stream issues one access: hits move on, misses wait in the fault buffer.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Round()
        {
            var levels = _levels;
            var active = _active;
            var issued = _issued;
            long parallel = _parallel;
            var counting = _countersMode;
            long hits = 0;
            long remote = 0;
            var kept = 0;
            var n = _activeCount;
            for (var a = 0; a < n; a++)
            {
                var s = active[a];
                var j = issued[s] * parallel + s;
                var page = _stream.Next(j, out var write);
                var level = levels[page];
                if ((level & Pinned) != 0)
                {
                    level = CheckPin(page, level);
                }
                if ((level & MirrorLevel.Access) > (write ? MirrorLevel.Read : MirrorLevel.None))
                {
                    hits++;
                    // Served through the mirror from wherever the page is: not on the device is a remote access.
                    remote += ((level >> 2) & 1) ^ 1;
                    if (counting && (level & MirrorLevel.OnDevice) == 0)
                    {
                        CountRemote(page);
                    }
                    if ((level & PrefetchUnused) != 0)
                    {
                        _prefetchUsed++;
                        levels[page] = (byte)(level & ~PrefetchUnused);
                    }
                    if (_watchHits)
                    {
                        _policies.Hit((int)page);
                    }
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
            _result.RemoteAccesses += remote;
            _result.Faults += n - hits;
        }

        /// <summary>A pinned page's pin ran out: its remote mapping is dropped (in the runner's view) and the access faults.</summary>
        private byte CheckPin(long page, byte level)
        {
            if (_policies.Pinned((int)page, Now()))
            {
                return level;
            }
            level = (byte)((level & ~(Pinned | MirrorLevel.Access)) | Lapsed);
            _levels[page] = level;
            return level;
        }

        /// <summary>The driver takes up to a batch of faults from the buffer and services them; their streams move on.</summary>
        private void Service()
        {
            var n = Math.Min(_batchSize, _pending);
            for (var e = 0; e < n; e++)
            {
                var at = (_head + e) % _bufferStream.Length;
                _keys[e] = _bufferPage[at] * 2 + (_bufferWrite[at] ? 1 : 0);
                // A faulted access is an access too (LRU, LFU), served when its batch is.
                _policies.Fault((int)_bufferPage[at]);
            }
            if (_request.Faults.Mode != FaultMode.Single)
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
            LongSort.Ascending(keys);
            var blocks = 0;
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
                if ((_levels[page] & MirrorLevel.Access) > (write ? MirrorLevel.Read : MirrorLevel.None))
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
                }
                _result.DuplicateFaults += duplicates;
                e = end;
            }
            if (inBlock > 0)
            {
                ServiceBlock(inBlock);
            }
            EndBatch(keys.Length, blocks);
        }

        /// <summary>amdgpu's way: the faults one at a time in arrival order, each a batch of its own; one already served is a duplicate.</summary>
        private void ServiceOneByOne(Span<long> keys)
        {
            foreach (var key in keys)
            {
                var page = key >> 1;
                var write = (key & 1) != 0;
                if ((_levels[page] & MirrorLevel.Access) > (write ? MirrorLevel.Read : MirrorLevel.None))
                {
                    _result.DuplicateFaults++;
                    continue;
                }
                _blockPages[0] = _first + page;
                _blockWrites[0] = write;
                ServiceBlock(1);
                EndBatch(1, 1);
            }
        }

        /// <summary>
        /// One service call for the block's first <paramref name="faulting"/> faulting pages: the prefetcher's pages
        /// added, room evicted for them, then the levels of the span the call touched.
        /// </summary>
        private void ServiceBlock(int faulting)
        {
            if (_countersMode && !_regionCall)
            {
                faulting = MapBlockRemote(faulting);
                if (faulting == 0)
                {
                    return;
                }
            }
            if (_thrashes)
            {
                faulting = SplitThrashing(faulting);
                if (faulting == 0)
                {
                    return;
                }
            }
            var n = BuildCall(faulting);
            var pages = _callPages.AsSpan(0, n);
            _batchPages += n;
            if (_evicts)
            {
                long need = 0;
                for (var c = 0; c < n; c++)
                {
                    var k = (int)(pages[c] - _first);
                    if ((_levels[k] & Evicted) != 0)
                    {
                        _result.Refaults += _callFaulted[c] && !_regionCall ? 1 : 0;
                        _levels[k] &= unchecked((byte)~Evicted);
                    }
                    if ((_levels[k] & MirrorLevel.OnDevice) == 0)
                    {
                        need++;
                    }
                    else
                    {
                        _policies.Leave(k);
                    }
                    Joining(pages[c]);
                }
                var free = _target.DeviceFreePages;
                if (need > free)
                {
                    Evict(need - free);
                }
            }
            _target.ServiceBlock(pages, _callWrites.AsSpan(0, n), _callFaulted.AsSpan(0, n), ref _service);
            Refresh(pages[0], pages[^1]);
            for (var c = 0; c < n; c++)
            {
                var k = (int)(pages[c] - _first);
                if (!_callFaulted[c] && (_levels[k] & MirrorLevel.OnDevice) != 0)
                {
                    _prefetched++;
                    _levels[k] |= PrefetchUnused;
                }
            }
        }

        /// <summary>
        /// Records the inward event of each of the block's first <paramref name="faulting"/> faulting pages that is not on
        /// the device and applies the thrashing policy: a page pinned now or still pinned is served where it is (one
        /// <see cref="IWorkloadTarget.MapRemote"/> call for the block); the others stay in the list, compacted; returns
        /// how many stay.
        /// </summary>
        private int SplitThrashing(int faulting)
        {
            var tally = new ThrashTally { NowUs = Now(), ThrottledBatch = _throttledBatch };
            // Which faulting pages are still pinned (served where they are, no event) and which the policy looks at.
            var candidates = 0;
            for (var f = 0; f < faulting; f++)
            {
                var k = (int)(_blockPages[f] - _first);
                var level = _levels[k];
                _stillPinned[f] = false;
                if ((level & MirrorLevel.OnDevice) != 0)
                {
                    continue;
                }
                if ((level & Pinned) != 0 && _policies.Pinned(k, tally.NowUs))
                {
                    _stillPinned[f] = true;
                    continue;
                }
                _levels[k] &= unchecked((byte)~(Pinned | Lapsed));
                _thrashCandidates[candidates++] = k;
            }
            _policies.DetectThrashing(_thrashCandidates.AsSpan(0, candidates), _thrashPin.AsSpan(0, candidates), ref tally);
            _result.ThrashingEvents += tally.Events;
            _result.PinnedPages += tally.Pinned;
            _result.ThrottledFaults += tally.Throttled;
            _throttleUs += tally.ThrottleUs;
            _throttledBatch = tally.ThrottledBatch;
            var kept = 0;
            var remote = 0;
            var candidate = 0;
            for (var f = 0; f < faulting; f++)
            {
                var page = _blockPages[f];
                var k = (int)(page - _first);
                var pin = _stillPinned[f];
                if (candidate < candidates && _thrashCandidates[candidate] == k && _thrashPin[candidate++])
                {
                    _levels[k] |= Pinned;
                    pin = true;
                }
                if (pin)
                {
                    if ((_levels[k] & Evicted) != 0)
                    {
                        _result.Refaults++;
                        _levels[k] &= unchecked((byte)~Evicted);
                    }
                    _remotePages[remote] = page;
                    _remoteWrites[remote++] = _blockWrites[f];
                }
                else
                {
                    _blockPages[kept] = page;
                    _blockWrites[kept++] = _blockWrites[f];
                }
            }
            MapRemote(remote);
            return kept;
        }

        /// <summary>
        /// Fills the call's list from the block's first <paramref name="faulting"/> faulting pages and, with a
        /// prefetcher, the pages of the block (inside the range, not on the device) it wants; returns its length.
        /// </summary>
        private int BuildCall(int faulting)
        {
            if (!_prefetches)
            {
                _blockPages.AsSpan(0, faulting).CopyTo(_callPages);
                _blockWrites.AsSpan(0, faulting).CopyTo(_callWrites);
                _callFaulted.AsSpan(0, faulting).Fill(true);
                return faulting;
            }
            var blockBase = _blockPages[0] / BlockPages * BlockPages;
            var lo = (int)(Math.Max(_first, blockBase) - blockBase);
            var hi = (int)(Math.Min(_first + _count, blockBase + BlockPages) - blockBase);
            Array.Clear(_occupied);
            Array.Clear(_wanted);
            for (var o = lo; o < hi; o++)
            {
                _occupied[o] = (_levels[blockBase + o - _first] & MirrorLevel.OnDevice) != 0;
            }
            for (var f = 0; f < faulting; f++)
            {
                var o = (int)(_blockPages[f] - blockBase);
                _occupied[o] = true;
                _faultOffsets[f] = o;
            }
            _policies.Prefetch(_occupied, _faultOffsets.AsSpan(0, faulting), lo, hi, _wanted);
            var c = 0;
            var next = 0;
            for (var o = lo; o < hi; o++)
            {
                if (next < faulting && _faultOffsets[next] == o)
                {
                    _callPages[c] = _blockPages[next];
                    _callWrites[c] = _blockWrites[next];
                    _callFaulted[c++] = true;
                    next++;
                }
                else if (_wanted[o] && (_levels[blockBase + o - _first] & (MirrorLevel.OnDevice | Pinned)) == 0)
                {
                    _callPages[c] = blockBase + o;
                    _callWrites[c] = false;
                    _callFaulted[c++] = false;
                }
            }
            return c;
        }

        /// <summary>Moves up to <paramref name="wanted"/> victims back to RAM, one helper call per VA block of victims.</summary>
        private void Evict(long wanted)
        {
            // Room for a pre-evicting policy's overshoot: up to a block past what is wanted.
            if (_victims.Length < wanted + BlockPages)
            {
                _victims = new long[Math.Max(wanted + BlockPages, _victims.Length * 2)];
                _taken = new int[_victims.Length];
            }
            var n = _policies.TakeVictims((int)wanted, _taken);
            for (var v = 0; v < n; v++)
            {
                _victims[v] = _first + _taken[v];
            }
            var victims = _victims.AsSpan(0, n);
            LongSort.Ascending(victims);
            for (var v = 0; v < n;)
            {
                var end = v + 1;
                while (end < n && victims[end] / BlockPages == victims[v] / BlockPages)
                {
                    end++;
                }
                var group = victims[v..end];
                _target.EvictBlock(group, ref _service);
                _evictServiceUs += _request.Faults.Costs.BlockUs + group.Length * _request.Faults.Costs.PageUs;
                Refresh(group[0], group[^1]);
                var evicted = 0;
                foreach (var p in group)
                {
                    var k = (int)(p - _first);
                    if ((_levels[k] & MirrorLevel.OnDevice) == 0)
                    {
                        _result.Evicted++;
                        _levels[k] = (byte)((_levels[k] | Evicted) & ~PrefetchUnused);
                        _evictedPages[evicted++] = k;
                    }
                    else
                    {
                        // It could not move (RAM full): it stays on the device and rejoins the order.
                        Joining(p);
                    }
                }
                if (_thrashes && evicted > 0)
                {
                    _policies.RecordEvictions(_evictedPages.AsSpan(0, evicted), Now());
                }
                v = end;
            }
        }

        private void Joining(long vmaPage)
        {
            if (_joiningCount == _joining.Length)
            {
                Array.Resize(ref _joining, _joining.Length * 2);
            }
            _joining[_joiningCount++] = vmaPage;
        }

        /// <summary>Re-reads the levels of VMA pages <c>[lo, hi]</c> (within one block), keeping the runner's own bits.</summary>
        private void Refresh(long lo, long hi)
        {
            var fresh = _fresh.AsSpan(0, (int)(hi - lo + 1));
            _target.ReadLevels(lo, fresh);
            var levels = _levels.AsSpan((int)(lo - _first), fresh.Length);
            for (var k = 0; k < fresh.Length; k++)
            {
                var level = (byte)((levels[k] & RunnerBits) | fresh[k]);
                // A lapsed pin's remote mapping is gone in the runner's view until the page is serviced.
                levels[k] = (level & Lapsed) != 0 ? (byte)(level & ~MirrorLevel.Access) : level;
            }
        }

        /// <summary>Ends a batch of <paramref name="faults"/> faults over <paramref name="blocks"/> blocks: its cost (every page its calls took, prefetched ones too), its log entries, the joins.</summary>
        private void EndBatch(int faults, int blocks)
        {
            EndJoins();
            _result.Batches++;
            _faultsPerBatch.Add(faults);
            _blocksPerBatch.Add(blocks);
            var costs = _request.Faults.Costs;
            _faultServiceUs += costs.BatchUs + blocks * costs.BlockUs + _batchPages * costs.PageUs;
            _batchPages = 0;
            _throttledBatch = false;
        }

        /// <summary>What the batch (or the notifications) brought in, and victims that could not leave, join the eviction order.</summary>
        private void EndJoins()
        {
            if (_evicts)
            {
                // What the batch brought in (and victims that could not leave) joins the order now, in page order.
                var joining = _joining.AsSpan(0, _joiningCount);
                LongSort.Ascending(joining);
                foreach (var p in joining)
                {
                    var k = (int)(p - _first);
                    if ((_levels[k] & MirrorLevel.OnDevice) != 0)
                    {
                        _policies.Join(k);
                    }
                }
                _joiningCount = 0;
                _policies.EndBatch();
            }
        }
    }
}
