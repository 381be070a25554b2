using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Driver;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Engine;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// One <c>hmm_vma_migrate</c> call in flight: the request (VMA, range, target, driver ops), the
/// per-page <c>src</c>/<c>dst</c> pfn arrays and outcomes (kept across calls, see <see cref="EnsureCapacity"/>), and what the phases counted.
/// Slot <c>k</c> is VMA page <c>Start + k</c>.
/// </summary>
internal sealed class MigrateState
{
    /// <summary>Requests up to this many collected pages visit their slots directly instead of querying every page chunk.</summary>
    public const int SmallRequest = 1024;

    /// <summary>Arrays grown to at least this many pages (about 34 MiB) are allocated after a garbage collection.</summary>
    public const int CollectBeforePages = 1 << 21;

    public MigrateState(MemoryManager mm, SemanticsProfile profile, int[] ownerOfDevice)
    {
        Mm = mm;
        Mainline = profile == SemanticsProfile.Mainline;
        OwnerOfDevice = ownerOfDevice;
    }

    public MemoryManager Mm { get; }

    /// <summary>The machine follows the <c>mainline</c> profile (fixed for its life; read once per call by the phases).</summary>
    public bool Mainline { get; }

    /// <summary>Each device's owner number (mainline's <c>pgmap_owner</c>, <see cref="MachineConfig.OwnerIds"/>).</summary>
    public int[] OwnerOfDevice { get; }

    /// <summary>The call's mainline selection.</summary>
    public MigrateSelection Select { get; private set; }
    public VmaInfo Vma { get; private set; } = null!;
    public long Start { get; private set; }
    public long End { get; private set; }
    public int Count { get; private set; }
    /// <summary>Target device index, -1 for RAM.</summary>
    public int Target { get; private set; }
    public bool TargetUnaddressable { get; private set; }
    public IMigrateOps Ops { get; private set; } = null!;
    public FailureInjection Inject { get; private set; }
    /// <summary>The hook of the call's races (run between phases by <see cref="RaceBoundarySystem"/>); null without races.</summary>
    public Machine.Races.IRaceBoundaryHook? Races { get; set; }
    public HmmPfn[] Src { get; private set; } = [];
    public HmmPfn[] Dst { get; private set; } = [];
    public MigrateReason[] Outcome { get; private set; } = [];

    /// <summary>The walks over a large call's <c>src</c> flags on the machine's cores (kept with the arrays it walks).</summary>
    public SrcFlagsOnCores SrcFlags { get; } = new();
    public int[] SmallSlots { get; } = new int[SmallRequest];
    /// <summary>The chunk and row of each of <see cref="SmallSlots"/>' pages, found once by collect (a frame's row never moves).</summary>
    public Engine.Chunk[] SmallChunks { get; } = new Engine.Chunk[SmallRequest];
    /// <summary>See <see cref="SmallChunks"/>.</summary>
    public int[] SmallRows { get; } = new int[SmallRequest];

    /// <summary>
    /// Mainline: <c>migrate_vma.fault_page</c>, the page a CPU fault is bringing back (its frame id), locked and referenced by
    /// the fault path; -1 outside such a call.
    /// </summary>
    public int FaultPage = -1;

    /// <summary>
    /// References on a page in slot <paramref name="slot"/> beyond its mappings, the page cache's or swap cache's and, for
    /// <see cref="FaultPage"/>, the fault path's (<c>migrate_vma_check_page</c>): more than 0 is a pin.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int UnexpectedReferences(in Page page, int slot) =>
        page.Refcount - page.Mapcount - ((page.Flags & (PageFlags.File | PageFlags.SwapCache)) != 0 ? 1 : 0)
        - (FaultPage >= 0 && (int)Src[slot].Pfn == FaultPage ? 1 : 0);

    /// <summary>Dst entries from 0 up to this may be non-zero (written by an earlier call).</summary>
    private int _dstWritten;

    public int Collected;
    /// <summary>
    /// How many <c>src</c> entries carry MIGRATE, as of the last time <c>src</c> was written whole (collect,
    /// the driver's alloc_and_copy, a derivation). Not the in-flight count, which the <c>Migrate</c> bits
    /// are: a driver boundary compares the two to skip re-deriving when no page gave up since.
    /// </summary>
    public int SrcMigrating;
    /// <summary>Pages that failed since the last restore (<see cref="MigratePhase.Fail(MigrateState, Engine.Chunk, int, int, MigrateReason)"/> counts them, or a phase on cores after its parts; <see cref="RestoreSystem.RestoreFailed"/> clears it).</summary>
    public int PendingRestore;
    /// <summary>Whether the driver's alloc_and_copy ran: without it (no page left, the seed's npages == 0) finalize_and_map does not run either.</summary>
    public bool DriverCalled;
    public long TlbFlushes;
    public MigrateCosts Costs;
    public long Migrated;
    /// <summary>Mainline: holes of an anonymous VMA collect took (their src entries are MIGRATE without VALID).</summary>
    public int Holes;
    /// <summary>Mainline: holes that migrate_vma_pages filled with their destination page.</summary>
    public long HolesInserted;
    public CopyCost Copy;

    /// <summary>Mainline with <c>select: compound</c>: PMD-sized units collect took whole (<see cref="CompoundUnits"/>).</summary>
    public int Units;
    /// <summary>The first slot of each unit.</summary>
    public int[] UnitSlot { get; private set; } = [];
    /// <summary>The source folio's head page of each unit, -1 for a hole region.</summary>
    public int[] UnitSource { get; private set; } = [];
    /// <summary>Whether the driver gave each unit one PMD-sized destination folio.</summary>
    public bool[] UnitFolio { get; private set; } = [];

    public MigrateWindow Window => new(Start, End, Vma.Pages)
    {
        Holes = Holes, Units = Units, UnitSlots = UnitSlot, UnitFolio = UnitFolio,
        Workers = Mm.HelperThreads.ShareSlots(this) ? Mm.HelperThreads.Workers : 1, PartEntries = Mm.HelperThreads.PartRows,
    };

    /// <summary>Records a unit at slot <paramref name="slot"/> whose source folio starts at page <paramref name="source"/> (-1: a hole region).</summary>
    public void AddUnit(int slot, int source)
    {
        if (Units == UnitSlot.Length)
        {
            var n = Math.Max(4, Units * 2);
            var slots = new int[n];
            var sources = new int[n];
            UnitSlot.CopyTo(slots, 0);
            UnitSource.CopyTo(sources, 0);
            (UnitSlot, UnitSource, UnitFolio) = (slots, sources, new bool[n]);
        }
        UnitSlot[Units] = slot;
        UnitSource[Units] = source;
        UnitFolio[Units] = false;
        Units++;
    }

    public void Begin(VmaInfo vma, long start, long end, int target, IMigrateOps ops, FailureInjection inject, MigrateSelection select)
    {
        Select = select;
        Holes = 0;
        Units = 0;
        HolesInserted = 0;
        Vma = vma;
        Start = start;
        End = end;
        Count = (int)(end - start);
        Target = target;
        TargetUnaddressable = target >= 0 && !Mm.Memory.Devices[target].Spec.Addressable;
        Ops = ops;
        Inject = inject;
        EnsureCapacity(Count);
        // Collect writes every slot of Src and Outcome; Dst starts clear for any driver (an array just allocated is).
        Dst.AsSpan(0, Math.Min(Count, _dstWritten)).Clear();
        _dstWritten = Math.Max(_dstWritten, Count);
        Collected = 0;
        SrcMigrating = 0;
        PendingRestore = 0;
        DriverCalled = false;
        TlbFlushes = 0;
        Costs = default;
        Migrated = 0;
        Copy = default;
    }

    /// <summary>
    /// The call's arrays, kept by the machine and grown to its largest request: a call reuses memory that earlier
    /// calls touched, where fresh arrays per call paid the first touch of new memory every time (on the VMs this runs on,
    /// 11-18 µs per 4 KiB: a warm 1M-page call's collect took 29-32 ms instead of 9-10). The cost is 17 bytes per page of
    /// the largest call held between calls.
    /// </summary>
    private void EnsureCapacity(int count)
    {
        if (Src.Length >= count && Dst.Length >= count)
        {
            if (Outcome.Length < count)
            {
                // Handed to the last call's result (TakeOutcomes): the one array made again, no collection for it.
                Outcome = GC.AllocateUninitializedArray<MigrateReason>(Math.Max(count, SmallRequest));
                Prefault.Start(Prefault.Region.Of(Outcome));
            }
            return;
        }
        var capacity = Math.Max(count, SmallRequest);
        // Dropped first, so that the collection below can take them; a failed allocation leaves the state empty, not torn.
        Src = Dst = [];
        Outcome = [];
        _dstWritten = 0;
        if (capacity >= CollectBeforePages)
        {
            // The arrays (17 bytes a page) reuse the garbage of earlier steps (an outgrown id table, the smaller arrays
            // just dropped) instead of fresh memory: a fresh page costs far more than the collection (a few ms: the
            // machine's columns hold no references to trace).
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        }
        // Dst zeroed by the allocator, which does not touch memory fresh from the OS.
        var src = GC.AllocateUninitializedArray<HmmPfn>(capacity);
        var outcome = GC.AllocateUninitializedArray<MigrateReason>(capacity);
        var dst = new HmmPfn[capacity];
        (Src, Outcome, Dst) = (src, outcome, dst);
        // Collect writes Src and Outcome from the front while a second core populates them from the back, then Dst
        // before the driver's alloc_and_copy reaches it.
        Prefault.Start(Prefault.Region.Of(Src), Prefault.Region.Of(Outcome), Prefault.Region.Of(Dst));
    }

    /// <summary>
    /// The outcomes as an array of exactly <see cref="Count"/> entries that the caller keeps: <paramref name="reuse"/>
    /// filled in place when it has that length (the caller handed the same result object back); otherwise a new array,
    /// which is the call's own when that has the length (the call was the largest so far: a one-shot experiment's only
    /// call), handed over instead of copied (10M outcomes copied wrote 10 MB of memory the process had not touched) and
    /// made again by the next call that needs it.
    /// </summary>
    public MigrateReason[] TakeOutcomes(MigrateReason[] reuse)
    {
        if (reuse.Length != Count && Outcome.Length == Count)
        {
            var given = Outcome;
            Outcome = [];
            return given;
        }
        var outcomes = reuse.Length == Count ? reuse : GC.AllocateUninitializedArray<MigrateReason>(Count);
        Outcome.AsSpan(0, Count).CopyTo(outcomes);
        return outcomes;
    }

    /// <summary>
    /// The request slot of a migrating page: the PTE of its reverse map that lies in the request's
    /// range (the page's first PTE unless it is mapped by several processes).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int SlotOf(in Components.Memory.Page page)
    {
        var g0 = Vma.FirstPte + Start;
        for (long g = page.RmapHead; g >= 0; g = Mm.PteRef(g).RmapNext)
        {
            var d = g - g0;
            if ((ulong)d < (ulong)Count)
            {
                return (int)d;
            }
        }
        throw new InvalidOperationException("a migrating page has no PTE in the request's range");
    }

    /// <summary>True when injection <paramref name="every"/> hits slot <paramref name="slot"/>.</summary>
    public static bool Injected(int every, int slot) => every > 0 && slot % every == 0;
}
