using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>
/// One helper call's per-page state: the seed's pfns array, split into source, destination and
/// outcome. A page is in flight while it has a source and no outcome. Reused across calls (a
/// fault-back runs one per faulting page), so it grows but never allocates per page.
/// </summary>
internal sealed class MigrationRun
{
    private double[] _engineFree = new double[4];

    public RefVma Vma { get; private set; } = null!;

    public long First { get; private set; }

    public long Count { get; private set; }

    /// <summary>Device index, or -1 for RAM.</summary>
    public int Target { get; private set; }

    public FailureInjection Inject { get; private set; }

    /// <summary>The call's mainline selection (other profiles ignore it).</summary>
    public MigrateSelection Select { get; private set; }

    /// <summary>Mainline: set for a hole collect took; it is in flight with no source, until it gets a destination and is mapped.</summary>
    public bool[] Hole { get; private set; } = [];

    public MigrateReason[] Outcome { get; private set; } = [];

    /// <summary>Set for every page collect took (it holds the helper's lock and reference until the end).</summary>
    public RefPage?[] Source { get; private set; } = [];

    public RefPage?[] Destination { get; private set; } = [];

    /// <summary>Scratch for the copy engine: source and destination frame numbers in destination order.</summary>
    public long[] SourceFrames { get; private set; } = [];

    public long[] DestinationFrames { get; private set; } = [];

    /// <summary>
    /// Mainline with select compound: the PMD-sized units collect took whole (first slot, source folio's head page or null
    /// for a hole region, whether the driver gave it one folio, and the source folio, kept here since freeing the migrated
    /// head clears its <see cref="RefPage.Compound"/>).
    /// </summary>
    public List<(long Slot, RefPage? Source, bool Folio, RefCompound? SourceFolio)> Units { get; } = [];

    /// <summary>What the call cost beyond the copies, counted as the phases run.</summary>
    public MigrateCosts Costs;

    /// <summary>TLB flushes collect counted.</summary>
    public long Flushes;

    /// <summary>Whether a page or hole was left for the driver after unmap (the seed's <c>npages &gt; 0</c>).</summary>
    public bool DriverCalled;

    /// <summary>What the driver's copies cost.</summary>
    public CopyStats Copy;

    /// <summary>Mainline: holes mapped by migrate_vma_pages.</summary>
    public long Inserted;

    public void Begin(RefVma vma, long first, long count, int target, FailureInjection inject, MigrateSelection select)
    {
        Costs = default;
        Flushes = 0;
        DriverCalled = false;
        Copy = default;
        Inserted = 0;
        Units.Clear();
        Select = select;
        Vma = vma;
        First = first;
        Count = count;
        Target = target;
        Inject = inject;
        if (Outcome.Length < count)
        {
            Outcome = new MigrateReason[count];
            Source = new RefPage?[count];
            Destination = new RefPage?[count];
            Hole = new bool[count];
            SourceFrames = new long[count];
            DestinationFrames = new long[count];
        }
        Array.Clear(Outcome, 0, (int)count);
        Array.Clear(Source, 0, (int)count);
        Array.Clear(Destination, 0, (int)count);
        Array.Clear(Hole, 0, (int)count);
    }

    /// <summary>A page collect took, or a hole (mainline), that has not given up.</summary>
    public bool InFlight(long k) => (Source[k] is not null || Hole[k]) && Outcome[k] == MigrateReason.None;

    /// <summary>A page collect took that has not given up (holes excluded: no lock, isolation or unmap for them).</summary>
    public bool PageInFlight(long k) => Source[k] is not null && Outcome[k] == MigrateReason.None;

    /// <summary>Scratch of at least <paramref name="engines"/> entries for <c>CopyModel.Cost</c>.</summary>
    public Span<double> EngineFree(int engines)
    {
        if (_engineFree.Length < engines)
        {
            _engineFree = new double[engines];
        }
        return _engineFree;
    }
}
