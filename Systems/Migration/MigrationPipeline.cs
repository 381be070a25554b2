using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Driver;
using HmmEcs.Engine;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Machine.Races;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// The migration helper (<c>hmm_vma_migrate</c>): its phases as one ordered <see cref="SystemGroup{TState}"/>
/// in the seed's order, then the restore of failed pages.
/// </summary>
internal sealed partial class MigrationPipeline : IFaultMigrator
{
    private readonly MigrateState _state;
    private readonly MigratePhase[] _phases;
    private readonly SemanticsProfile _profile;
    private readonly int[] _ownerOfDevice;
    private bool _running;
    /// <summary>The helper for calls made while this one runs (a race's migrate, a race's fault-back), made on first need.</summary>
    private MigrationPipeline? _nested;

    public MigrationPipeline(MemoryManager mm, SemanticsProfile profile, int[] ownerOfDevice)
    {
        Mm = mm;
        _profile = profile;
        _ownerOfDevice = ownerOfDevice;
        _state = new MigrateState(mm, profile, ownerOfDevice);
        var world = mm.World;
        _phases =
        [
            new CollectSystem(world),
            new LockAndIsolateSystem(world),
            new UnmapSystem(world),
            new AllocAndCopySystem(world),
            new MigrateStructPageSystem(world),
            new FinalizeAndMapSystem(world),
            new RemoveMigrationEntriesSystem(world),
            new RestoreSystem(world),
        ];
        // A race boundary after each phase but the last (after remove-migration-entries the call is over).
        var members = new List<ISystem<MigrateState>>();
        for (var k = 0; k < _phases.Length; k++)
        {
            members.Add(_phases[k]);
            if (k < RaceBoundaries.Count)
            {
                members.Add(new RaceBoundarySystem(world, (RaceBoundary)k));
            }
        }
        Group = new SystemGroup<MigrateState>("hmm-vma-migrate", [.. members]);
        Group.Initialize();
    }

    public MemoryManager Mm { get; }

    public SystemGroup<MigrateState> Group { get; private set; }

    /// <summary>Per-phase time of the last migrate step (CPU-fault migrations are not recorded).</summary>
    public PhaseTime[] LastPhaseTimes { get; private set; } = [];

    /// <summary>
    /// Runs the helper over <c>[start, end)</c> of <paramref name="vma"/> toward <paramref name="target"/> (-1: RAM).
    /// The seed's argument checks (an empty range or one past the VMA, hugetlb and pfnmap VMAs are EINVAL) are the
    /// machine's front layer's (<see cref="Machine.MachineFront"/>): every caller has passed them.
    /// </summary>
    public void Run(VmaInfo vma, long start, long end, int target, IMigrateOps ops, FailureInjection inject, MigrateSelection select, MigrateResult? result,
        IRaceBoundaryHook? races = null) =>
        Execute(vma, start, end, target, ops, inject, select, result, races);

    /// <inheritdoc/>
    public bool MigrateOne(int vma, long index, IMigrateOps ops)
    {
        if (_running)
        {
            // A fault raised by a racing actor while this call is between phases: the nested helper's own fault_page.
            _nested ??= new MigrationPipeline(Mm, _profile, _ownerOfDevice);
            return _nested.MigrateOne(vma, index, ops);
        }
        var v = Mm.Vmas[vma];
        if (!_state.Mainline)
        {
            return Execute(v, index, index + 1, -1, ops, default, MigrateSelection.ToRam, null) == 1;
        }
        // Mainline's do_swap_page takes the faulting page's lock and a reference before calling migrate_to_ram, which
        // names the page as migrate_vma.fault_page: collect does not trylock it and the check counts that reference.
        var id = Mm.MappedAt(v, index, out _);
        var chunk = Mm.Memory.Locate(id, out var row);
        chunk.GetSpan<Components.Memory.Page>()[row].Refcount++;
        chunk.SetEnabled<Components.Tags.Locked>(row, true);
        _state.FaultPage = id;
        var moved = false;
        try
        {
            moved = Execute(v, index, index + 1, -1, ops, default, MigrateSelection.ToRam, null) == 1;
            return moved;
        }
        finally
        {
            _state.FaultPage = -1;
            if (!moved)
            {
                // The fault path unlocks and puts the page after migrate_to_ram returns (migrate_vma_finalize leaves it
                // locked). A page that moved was freed with its last mapping, the fault's reference with it (the kernel
                // frees it at this put).
                chunk.GetSpan<Components.Memory.Page>()[row].Refcount--;
                chunk.SetEnabled<Components.Tags.Locked>(row, false);
            }
        }
    }

    /// <inheritdoc/>
    public bool MigrateFolio(int vma, long head, IMigrateOps ops) =>
        Execute(Mm.Vmas[vma], head, head + PageGeometry.PmdPages, -1, ops, default,
            new MigrateSelection(MigrateSelect.DevicePrivate | MigrateSelect.Compound, MigrateSelection.AnyOwner), null) == PageGeometry.PmdPages;

    /// <summary><see cref="Run"/>, giving the pages that migrated.</summary>
    private long Execute(VmaInfo vma, long start, long end, int target, IMigrateOps ops, FailureInjection inject, MigrateSelection select, MigrateResult? result,
        IRaceBoundaryHook? races = null)
    {
        if (_running)
        {
            // Another actor's call while this one is between phases (a race): a helper of its own, as a second thread
            // would have. Races cap such calls at MaxMigratePages, so it visits its own slots and never the Migrate bits
            // of this call's pages.
            if (end - start > MigrateRace.MaxMigratePages)
            {
                throw new InvalidOperationException("a call made during another covers at most MaxMigratePages pages");
            }
            _nested ??= new MigrationPipeline(Mm, _profile, _ownerOfDevice);
            return _nested.Execute(vma, start, end, target, ops, inject, select, result);
        }
        _running = true;
        var s = _state;
        var request = Entity.Null;
        try
        {
            s.Begin(vma, start, end, target, ops, inject, select);
            s.Races = races;
            // The call itself is an entity while it runs (the seed's per-call state); its per-page arrays are the machine's, kept across calls.
            request = Mm.World.Create(new MigrateRequestInfo { Vma = vma.Id, Start = start, End = end, Target = target });
            Group.Run(s);
            CompoundUnits.Finish(s);
            if (result is not null)
            {
                RecordTimes();
                Fill(s, result);
            }
            return s.Migrated;
        }
        finally
        {
            s.Races = null;
            if (!request.IsNull)
            {
                Mm.World.Destroy(request);
            }
            _running = false;
        }
    }

    private void RecordTimes()
    {
        var times = new PhaseTime[_phases.Length];
        for (var k = 0; k < _phases.Length; k++)
        {
            times[k] = new PhaseTime(_phases[k].Name, _phases[k].LastTicks * 1e6 / System.Diagnostics.Stopwatch.Frequency);
        }
        LastPhaseTimes = times;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fill(MigrateState s, MigrateResult result)
    {
        result.Requested = s.Count;
        Array.Clear(result.Reasons);
        var outcomes = s.TakeOutcomes(result.PageOutcomes);
        OutcomeCounts.Add(outcomes, result.Reasons);
        result.Migrated = s.Migrated;
        result.TlbFlushes = s.TlbFlushes;
        result.Costs = s.Costs;
        result.HolesInserted = s.HolesInserted;
        result.Copy = new CopyStats
        {
            Pages = s.Copy.Pages,
            Bytes = s.Copy.Pages * PageGeometry.PageBytes,
            Batches = s.Copy.Batches,
            DeviceTimeUs = s.Copy.DeviceTimeUs,
        };
        result.PageOutcomes = outcomes;
    }

    /// <summary>
    /// Inserts a host system right before phase <paramref name="phase"/> (0 = collect … 6 = remove migration entries),
    /// or right after it (that is, before the next phase). Systems inserted at the same point run in insertion order.
    /// </summary>
    public void Insert(int phase, bool after, ISystem<MigrateState> system)
    {
        if (_running)
        {
            throw new InvalidOperationException("cannot insert a system while a migration runs");
        }
        // The last member (restore) is not a helper phase: nothing is inserted around it.
        ArgumentOutOfRangeException.ThrowIfNegative(phase);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(phase, _phases.Length - 2);
        var members = new List<ISystem<MigrateState>>(Group.Systems);
        members.Insert(members.IndexOf(_phases[after ? phase + 1 : phase]), system);
        system.Initialize();
        Group = new SystemGroup<MigrateState>(Group.Name, [.. members]);
    }
}
