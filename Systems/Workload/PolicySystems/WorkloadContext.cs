using System.Numerics;
using System.Runtime.CompilerServices;
using HmmEcs.Engine;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.Policies;

namespace HmmEcs.Systems.Workload.PolicySystems;

/// <summary>
/// What the workload's policy systems see: the workload's page entities (one per page of the range, in a world of
/// their own: <see cref="PageResidency"/>, the enableable <see cref="Resident"/> tag and the <see cref="Columns"/> its
/// policies use — <see cref="PageAccess"/>, <see cref="PageUses"/>, <see cref="PageFaults"/>, <see cref="PageThrash"/>;
/// all of them when the host has a system), the event that runs them and its inputs and outputs. Pages are
/// range-relative (0 = the workload's first page). Valid while the workload runs.
/// </summary>
public sealed class WorkloadContext : IDisposable
{
    private readonly Chunk[] _chunks;
    // Each chunk's columns, kept so that the write per access is two loads and a store; null where the world has none.
    private readonly PageAccess[][]? _access;
    private readonly PageUses[][]? _uses;
    private readonly PageResidency[][] _residency;
    private readonly PageFaults[][]? _faults;
    private readonly PageThrash[][]? _thrash;
    private readonly int _rowBits;
    private readonly int _rowMask;
    private int[] _left = new int[WorkloadRunner.BlockPages];
    private int[] _joined = new int[WorkloadRunner.BlockPages];
    private int[] _touched = new int[WorkloadRunner.BlockPages];
    private int[] _victims = new int[WorkloadRunner.BlockPages];
    private readonly bool[] _occupied = new bool[WorkloadRunner.BlockPages];
    private readonly int[] _faultOffsets = new int[WorkloadRunner.BlockPages];
    private readonly bool[] _prefetchWanted = new bool[WorkloadRunner.BlockPages];
    private readonly int[] _candidates = new int[WorkloadRunner.BlockPages];
    private readonly bool[] _pin = new bool[WorkloadRunner.BlockPages];
    private readonly int[] _evicted = new int[WorkloadRunner.BlockPages];
    private int _leftCount;
    private int _joinedCount;
    private int _touchedCount;
    // The clock when the systems last ran: a page whose last access is newer is in the touched list already.
    private long _eventsClock;
    private int _faultCount;
    private int _candidateCount;
    private int _evictedCount;
    private long _clock;
    private ThrashTally _tally;

    internal WorkloadContext(WorkloadRequest request, long first, long pages, WorkloadPageColumns columns)
    {
        Request = request;
        FirstVmaPage = first;
        Pages = pages;
        Columns = columns;
        var capacity = (int)Math.Min(1 << 16, Math.Max(64, BitOperations.RoundUpToPowerOf2((ulong)pages)));
        World = new World(new WorldOptions { ChunkCapacity = capacity });
        World.RegisterEnableable<Resident>();
        var signature = default(Signature).With(World.ComponentId<PageResidency>()).With(World.ComponentId<Resident>());
        signature = With<PageAccess>(signature, WorkloadPageColumns.Access);
        signature = With<PageUses>(signature, WorkloadPageColumns.Uses);
        signature = With<PageFaults>(signature, WorkloadPageColumns.Faults);
        signature = With<PageThrash>(signature, WorkloadPageColumns.Thrash);
        World.CreateRows(signature, checked((int)pages), static (_, _, _) => { });
        _chunks = new Chunk[(pages + capacity - 1) / capacity];
        _residency = new PageResidency[_chunks.Length][];
        _access = Has(WorkloadPageColumns.Access) ? new PageAccess[_chunks.Length][] : null;
        _uses = Has(WorkloadPageColumns.Uses) ? new PageUses[_chunks.Length][] : null;
        _faults = Has(WorkloadPageColumns.Faults) ? new PageFaults[_chunks.Length][] : null;
        _thrash = Has(WorkloadPageColumns.Thrash) ? new PageThrash[_chunks.Length][] : null;
        var c = 0;
        foreach (var chunk in World.Query(new QueryDescription().WithAll<PageResidency>()))
        {
            // Rows are made with their enableable tags on: no page is resident before it joins.
            chunk.SetAllEnabled<Resident>(false);
            _residency[c] = chunk.GetColumnArray<PageResidency>();
            _access?[c] = chunk.GetColumnArray<PageAccess>();
            _uses?[c] = chunk.GetColumnArray<PageUses>();
            _faults?[c] = chunk.GetColumnArray<PageFaults>();
            _thrash?[c] = chunk.GetColumnArray<PageThrash>();
            _chunks[c++] = chunk;
        }
        _rowBits = BitOperations.Log2((uint)capacity);
        _rowMask = capacity - 1;
    }

    /// <summary>The optional columns the page entities have.</summary>
    public WorkloadPageColumns Columns { get; }

    /// <summary>The world of the workload's page entities: a host system may query it (e.g. <c>WithAll&lt;PageAccess, Resident&gt;</c>).</summary>
    public World World { get; }

    /// <summary>The workload step's request.</summary>
    public WorkloadRequest Request { get; }

    /// <summary>Pages of the range: the page entities are 0 .. Pages − 1.</summary>
    public long Pages { get; }

    /// <summary>Why the systems run now.</summary>
    public WorkloadEvent Event { get; internal set; }

    /// <summary>The policy clock: the last stamp given to an access or a join (they order recency).</summary>
    public long Clock => _clock;

    /// <summary>Page <paramref name="page"/>'s last access (a column only where <see cref="Columns"/> has <see cref="WorkloadPageColumns.Access"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref PageAccess Access(int page) => ref (_access ?? throw Missing(nameof(PageAccess)))[page >> _rowBits][page & _rowMask];

    /// <summary>Page <paramref name="page"/>'s access count (where <see cref="Columns"/> has <see cref="WorkloadPageColumns.Uses"/>).</summary>
    public ref PageUses Uses(int page) => ref (_uses ?? throw Missing(nameof(PageUses)))[page >> _rowBits][page & _rowMask];

    /// <summary>Page <paramref name="page"/>'s residency.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref PageResidency Residency(int page) => ref _residency[page >> _rowBits][page & _rowMask];

    /// <summary>Page <paramref name="page"/>'s faults (where <see cref="Columns"/> has <see cref="WorkloadPageColumns.Faults"/>).</summary>
    public ref PageFaults Faults(int page) => ref (_faults ?? throw Missing(nameof(PageFaults)))[page >> _rowBits][page & _rowMask];

    /// <summary>Page <paramref name="page"/>'s thrashing state (where <see cref="Columns"/> has <see cref="WorkloadPageColumns.Thrash"/>).</summary>
    public ref PageThrash Thrash(int page) => ref (_thrash ?? throw Missing(nameof(PageThrash)))[page >> _rowBits][page & _rowMask];

    /// <summary>Whether page <paramref name="page"/> is in the eviction order (on the device, joined, not taken).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsResident(int page) => _chunks[page >> _rowBits].IsEnabled<Resident>(page & _rowMask);

    /// <summary>Pages that left the eviction order (faulted again while resident) since the systems last ran.</summary>
    public ReadOnlySpan<int> Left => _left.AsSpan(0, _leftCount);

    /// <summary>Pages that joined the eviction order since the systems last ran, in join order (stamps ascending).</summary>
    public ReadOnlySpan<int> Joined => _joined.AsSpan(0, _joinedCount);

    /// <summary>
    /// Pages accessed since the systems last ran, each once, in the order of their first access since then (their
    /// <see cref="PageAccess.LastUse"/> is the last): what a recency order moves, without a call per access.
    /// </summary>
    public ReadOnlySpan<int> Touched => _touched.AsSpan(0, _touchedCount);

    /// <summary><see cref="WorkloadEvent.Evict"/>: how many victims the runner asks for.</summary>
    public int VictimsWanted { get; private set; }

    /// <summary><see cref="WorkloadEvent.Evict"/>: the victims added so far, in order.</summary>
    public ReadOnlySpan<int> Victims => _victims.AsSpan(0, VictimCount);

    /// <summary><see cref="WorkloadEvent.Evict"/>: how many victims were added so far.</summary>
    public int VictimCount { get; private set; }

    /// <summary><see cref="WorkloadEvent.Evict"/>: whether more victims are wanted.</summary>
    public bool NeedsVictims => VictimCount < VictimsWanted;

    /// <summary><see cref="WorkloadEvent.Prefetch"/>: per page of the VA block, on the device or faulting.</summary>
    public ReadOnlySpan<bool> Occupied => _occupied;

    /// <summary><see cref="WorkloadEvent.Prefetch"/>: the faulting pages' offsets in the block, ascending.</summary>
    public ReadOnlySpan<int> FaultOffsets => _faultOffsets.AsSpan(0, _faultCount);

    /// <summary><see cref="WorkloadEvent.Prefetch"/>: the offsets of the block inside the range are <c>[BlockLo, BlockHi)</c>; nothing outside is prefetched.</summary>
    public int BlockLo { get; private set; }

    /// <summary><see cref="WorkloadEvent.Prefetch"/>: see <see cref="BlockLo"/>.</summary>
    public int BlockHi { get; private set; }

    /// <summary><see cref="WorkloadEvent.Prefetch"/>: per page of the block, true = migrate it beside the faulting ones.</summary>
    public Span<bool> PrefetchWanted => _prefetchWanted;

    /// <summary><see cref="WorkloadEvent.Thrash"/>: the block's faulting pages not on the device and not pinned, ascending.</summary>
    public ReadOnlySpan<int> ThrashCandidates => _candidates.AsSpan(0, _candidateCount);

    /// <summary><see cref="WorkloadEvent.Thrash"/>: per candidate, true = serve it where it is (pinned).</summary>
    public Span<bool> Pin => _pin.AsSpan(0, _candidateCount);

    /// <summary><see cref="WorkloadEvent.Thrash"/> and <see cref="WorkloadEvent.Evicted"/>: the clock and what thrashing did in this block.</summary>
    public ref ThrashTally Tally => ref _tally;

    /// <summary><see cref="WorkloadEvent.Evicted"/>: the pages that went back to RAM.</summary>
    public ReadOnlySpan<int> EvictedPages => _evicted.AsSpan(0, _evictedCount);

    /// <summary>
    /// <see cref="WorkloadEvent.Evict"/>: takes resident page <paramref name="page"/> out of the eviction order as the next
    /// victim; false (nothing done) when it is not resident or no more victims are wanted.
    /// </summary>
    public bool AddVictim(int page)
    {
        if (!NeedsVictims || !IsResident(page))
        {
            return false;
        }
        _chunks[page >> _rowBits].SetEnabled<Resident>(page & _rowMask, false);
        _victims[VictimCount++] = page;
        return true;
    }

    /// <summary>
    /// <see cref="WorkloadEvent.Evict"/>: takes resident page <paramref name="page"/> out of the order as a victim even
    /// past <see cref="VictimsWanted"/> — a pre-evicting policy's neighbourhood of a victim, at most a VA block past
    /// what is wanted; false (nothing done) when it is not resident or that room is used up.
    /// </summary>
    public bool PreEvict(int page)
    {
        if (VictimCount >= VictimsWanted + WorkloadRunner.BlockPages || VictimCount >= _victims.Length || !IsResident(page))
        {
            return false;
        }
        _chunks[page >> _rowBits].SetEnabled<Resident>(page & _rowMask, false);
        _victims[VictimCount++] = page;
        return true;
    }

    /// <summary>The VMA page of range page 0: VA blocks (2 MiB) are aligned in the VMA, not in the range.</summary>
    public long FirstVmaPage { get; }

    /// <summary>Disposes the page entities' world.</summary>
    public void Dispose() => World.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void Hit(int page)
    {
        var chunk = page >> _rowBits;
        var row = page & _rowMask;
        ref var access = ref _access![chunk][row];
        if (access.LastUse <= _eventsClock)
        {
            Touch(page);
        }
        access.LastUse = ++_clock;
        if (_uses is { } uses)
        {
            uses[chunk][row].Count++;
        }
    }

    /// <summary>A fault on <paramref name="page"/>, counted where the column is.</summary>
    internal void Fault(int page)
    {
        if (_faults is { } faults)
        {
            faults[page >> _rowBits][page & _rowMask].Count++;
        }
    }

    private bool Has(WorkloadPageColumns column) => (Columns & column) != 0;

    private Signature With<T>(Signature signature, WorkloadPageColumns column) where T : struct =>
        Has(column) ? signature.With(World.ComponentId<T>()) : signature;

    private InvalidOperationException Missing(string column) =>
        new($"this workload's page entities have no {column} column (columns: {Columns}): no policy of its request uses it");

    /// <summary>The first access to <paramref name="page"/> since the systems last ran: it goes in <see cref="Touched"/>.</summary>
    private void Touch(int page)
    {
        if (_touchedCount == _touched.Length)
        {
            // At most every page once: the list never outgrows the range.
            Array.Resize(ref _touched, (int)Math.Min(Pages, 2L * _touched.Length));
        }
        _touched[_touchedCount++] = page;
    }

    internal void Join(int page)
    {
        if (IsResident(page))
        {
            return;
        }
        _chunks[page >> _rowBits].SetEnabled<Resident>(page & _rowMask, true);
        Residency(page).Since = ++_clock;
        if (_joinedCount == _joined.Length)
        {
            Array.Resize(ref _joined, _joined.Length * 2);
        }
        _joined[_joinedCount++] = page;
    }

    /// <summary>Takes a resident page out of the order; false when it was not in it.</summary>
    internal bool Leave(int page)
    {
        if (!IsResident(page))
        {
            return false;
        }
        _chunks[page >> _rowBits].SetEnabled<Resident>(page & _rowMask, false);
        if (_leftCount == _left.Length)
        {
            Array.Resize(ref _left, _left.Length * 2);
        }
        _left[_leftCount++] = page;
        return true;
    }

    internal bool HasEvents => _leftCount + _joinedCount > 0;

    internal void ClearEvents()
    {
        _leftCount = 0;
        _joinedCount = 0;
        _touchedCount = 0;
        _eventsClock = _clock;
    }

    internal void AskVictims(int wanted)
    {
        if (_victims.Length < wanted + WorkloadRunner.BlockPages)
        {
            _victims = new int[Math.Max(wanted + WorkloadRunner.BlockPages, _victims.Length * 2)];
        }
        VictimsWanted = wanted;
        VictimCount = 0;
    }

    internal void SetBlock(ReadOnlySpan<bool> occupied, ReadOnlySpan<int> faulting, int lo, int hi)
    {
        occupied.CopyTo(_occupied);
        faulting.CopyTo(_faultOffsets);
        _faultCount = faulting.Length;
        BlockLo = lo;
        BlockHi = hi;
        Array.Clear(_prefetchWanted);
    }

    internal void SetCandidates(ReadOnlySpan<int> pages, in ThrashTally tally)
    {
        pages.CopyTo(_candidates);
        _candidateCount = pages.Length;
        Array.Clear(_pin, 0, pages.Length);
        _tally = tally;
    }

    internal void SetEvicted(ReadOnlySpan<int> pages, double nowUs)
    {
        pages.CopyTo(_evicted);
        _evictedCount = pages.Length;
        _tally = new ThrashTally { NowUs = nowUs };
    }
}
