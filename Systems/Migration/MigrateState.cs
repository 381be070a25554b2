using System.Runtime.CompilerServices;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Driver;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// One <c>hmm_vma_migrate</c> call in flight: the request (VMA, range, target, driver ops), the
/// per-page <c>src</c>/<c>dst</c> pfn arrays and outcomes (pooled when small, see <see cref="CallArrays"/>), and what the phases counted.
/// Slot <c>k</c> is VMA page <c>Start + k</c>.
/// </summary>
internal sealed class MigrateState
{
    /// <summary>Requests up to this many collected pages visit their slots directly instead of querying every page chunk.</summary>
    public const int SmallRequest = 1024;

    /// <summary>Calls of at least this many pages (arrays of about 64 MiB) start with a garbage collection.</summary>
    public const int CollectBeforePages = 1 << 21;

    public MigrateState(MemoryManager mm) => Mm = mm;

    public MemoryManager Mm { get; }
    public VmaInfo Vma { get; private set; } = null!;
    public long Start { get; private set; }
    public long End { get; private set; }
    public int Count { get; private set; }
    /// <summary>Target device index, -1 for RAM.</summary>
    public int Target { get; private set; }
    public bool TargetUnaddressable { get; private set; }
    public IMigrateOps Ops { get; private set; } = null!;
    public FailureInjection Inject { get; private set; }
    public HmmPfn[] Src { get; private set; } = [];
    public HmmPfn[] Dst { get; private set; } = [];
    public MigrateReason[] Outcome { get; private set; } = [];
    public int[] SmallSlots { get; } = new int[SmallRequest];

    public int Collected;
    /// <summary>
    /// How many <c>src</c> entries carry MIGRATE, as of the last time <c>src</c> was written whole (collect,
    /// the driver's alloc_and_copy, a derivation). Not the in-flight count, which the <c>Migrate</c> bits
    /// are: a driver boundary compares the two to skip re-deriving when no page gave up since.
    /// </summary>
    public int SrcMigrating;
    /// <summary>Pages that failed since the last restore (<see cref="MigratePhase.Fail"/> counts them; <see cref="RestoreSystem.RestoreFailed"/> clears it).</summary>
    public int PendingRestore;
    /// <summary>Whether the driver's alloc_and_copy ran: without it (no page left, the seed's npages == 0) finalize_and_map does not run either.</summary>
    public bool DriverCalled;
    public long TlbFlushes;
    public MigrateCosts Costs;
    public long Migrated;
    public CopyCost Copy;

    public MigrateWindow Window => new(Start, End, Vma.Pages);

    public void Begin(VmaInfo vma, long start, long end, int target, IMigrateOps ops, FailureInjection inject)
    {
        Vma = vma;
        Start = start;
        End = end;
        Count = (int)(end - start);
        Target = target;
        TargetUnaddressable = target >= 0 && !Mm.Memory.Devices[target].Spec.Addressable;
        Ops = ops;
        Inject = inject;
        if (Count >= CollectBeforePages)
        {
            // The call's arrays (about 33 bytes a page with the driver's copy lists) reuse the garbage of earlier steps
            // (an outgrown id table, a finished call's arrays) instead of fresh memory: on the VMs this runs on a fresh page
            // costs far more than the collection (a few ms: the machine's columns hold no references to trace).
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
        }
        Src = CallArrays.Take<HmmPfn>(Count);
        Dst = CallArrays.Take<HmmPfn>(Count);
        Outcome = CallArrays.Take<MigrateReason>(Count);
        // Collect writes every slot of Src and Outcome; Dst starts clear for any driver.
        Dst.AsSpan(0, Count).Clear();
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
    /// The outcomes as an array of exactly <see cref="Count"/> entries that the caller keeps: a large
    /// request's own array changes hands (the state forgets it); a pooled one is copied.
    /// </summary>
    public MigrateReason[] DetachOutcomes()
    {
        if (Outcome.Length != Count || CallArrays.IsPooled(Outcome))
        {
            return Outcome.AsSpan(0, Count).ToArray();
        }
        var outcomes = Outcome;
        Outcome = [];
        return outcomes;
    }

    public void Release()
    {
        CallArrays.Give(Src);
        CallArrays.Give(Dst);
        CallArrays.Give(Outcome);
        Src = [];
        Dst = [];
        Outcome = [];
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
