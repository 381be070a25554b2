using System.Runtime.CompilerServices;
using HmmEcs.Components.Content;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Driver;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Engine;
using HmmEcs.Systems.Invariants;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Migration;
using HmmEcs.Systems.Migration.AsPosted;

namespace HmmEcs.Systems.EcsEngine;

/// <summary>
/// The ECS pipeline: pages, PTEs, VMAs and device chunks are entities of one World and the
/// helper's phases are systems over archetype queries (docs/architecture.md). Names and arguments are
/// checked by <see cref="MachineFront"/>; this class does the page-level work.
/// </summary>
public sealed partial class EcsMachine : MachineFront
{
    private readonly World _world;
    private readonly MemoryManager _mm;
    private readonly MigrationPipeline _pipeline;
    private readonly AsPostedPipeline _asPosted;
    private readonly BatchedCopyEngine _copyEngine;

    /// <summary>
    /// Builds a machine of <paramref name="config"/>: RAM frames and device pages exist as page entities from the start.
    /// The first machine of a process runs its first migrate with the JIT still compiling the phases; call
    /// <see cref="WarmUp"/> first when that migrate is timed.
    /// </summary>
    public EcsMachine(MachineConfig config)
        : this(config, WorldOptionsFor(config))
    {
    }

    /// <summary>A machine whose world uses <paramref name="options"/> (tests vary the chunk capacity).</summary>
    internal EcsMachine(MachineConfig config, WorldOptions options)
        : base(config)
    {
        _world = new World(options);
        _world.RegisterEnableable<Migrate>();
        _world.RegisterEnableable<Locked>();
        var specs = new List<DeviceSpec>();
        foreach (var d in config.DeviceList)
        {
            specs.Add(new DeviceSpec(d.Name, d.Pages, d.ChunkPages, d.Allocation == DeviceAllocation.Chunk,
                d.Addressable, d.Movable, d.Copy));
        }
        var memory = new PhysicalMemory(_world, config.RamPages, specs, config.Payload == PayloadMode.Bytes);
        var engine = _copyEngine = new BatchedCopyEngine();
        var drivers = new DummyDevice[specs.Count];
        for (var d = 0; d < drivers.Length; d++)
        {
            drivers[d] = new DummyDevice(memory, d, engine);
        }
        _mm = new MemoryManager(_world, memory, drivers) {
            ZeroPage = config.ZeroPage, SwapCache = config.SwapCache, EntriesOutliveLocks = config.Profile == SemanticsProfile.V13AsPosted,
        };
        if (config.HelperThreads > 0)
        {
            _mm.HelperThreads.Workers = config.HelperThreads;
        }
        _pipeline = new MigrationPipeline(_mm, config.Profile, config.OwnerIds());
        _asPosted = new AsPostedPipeline(_mm);
        _mm.Pipeline = _pipeline;
        RamOps = new DummyMigrateOps(memory, engine, -1);
    }

    /// <summary>
    /// Lets the helper's phases share calls of <paramref name="fromPages"/> pages or more in parts of <paramref name="partRows"/>
    /// rows over <paramref name="workers"/> threads: tests run small machines through the path large calls take.
    /// </summary>
    internal void ShareHelperWork(int workers, int fromPages, int partRows)
    {
        _mm.HelperThreads.Workers = workers;
        _mm.HelperThreads.FromPages = fromPages;
        _mm.HelperThreads.PartRows = partRows;
    }

    /// <summary>Machines of at least this many page frames (RAM and device) get large chunks.</summary>
    public const long LargeMachinePages = 1 << 21;

    /// <summary>Rows per chunk of a large machine: every page column (8 or 16 bytes a row) is over 2 MiB.</summary>
    public const int LargeChunkCapacity = 1 << 18;

    /// <summary>
    /// A large machine's chunks hold 2^18 rows, so the GC commits each column whole and huge pages can back it
    /// (<see cref="HugePageAdvice"/>): at 10M pages the first touch of 4 KiB pages was most of the build's time.
    /// Small machines keep the default, so a 64-page scenario does not allocate megabytes per archetype.
    /// </summary>
    internal static WorldOptions WorldOptionsFor(MachineConfig config)
    {
        var frames = config.RamPages;
        foreach (var d in config.DeviceList)
        {
            frames += d.Pages;
        }
        return frames >= LargeMachinePages
            ? new WorldOptions { ChunkCapacity = LargeChunkCapacity, HugePages = true }
            : new WorldOptions();
    }

    /// <inheritdoc/>
    public override string EngineName => "ecs";

    /// <summary>The world holding every entity of the machine (for inspection and benchmarks).</summary>
    public World World => _world;

    /// <summary>Per-phase wall time of the last <see cref="IMachine.Migrate"/> (collect … remove migration entries, restore).</summary>
    public IReadOnlyList<PhaseTime> LastMigratePhaseTimes => _pipeline.LastPhaseTimes;

    /// <summary>
    /// The commands the copy engine issued for its last submission, in issue order: after a migrate that copied,
    /// that migrate's (one submission per migrate). Valid until the next copy (a migrate or a device fault).
    /// </summary>
    public ReadOnlySpan<CopyCommand> LastCopyCommands => _copyEngine.LastCommands;

    /// <summary>Callbacks migrating pages back to RAM (used by <c>migrate to: ram</c>).</summary>
    private DummyMigrateOps RamOps { get; }

    private protected override int CreateProcessCore(string name)
    {
        var p = new AddressSpace(_mm.Processes.Count, name);
        _mm.Processes.Add(p);
        return p.Id;
    }

    private protected override int MmapCore(int process, string name, long pages, VmaKind kind, PageProt prot, bool thp)
    {
        var file = kind is VmaKind.File or VmaKind.SharedAnon or VmaKind.FilePrivate ? _mm.NewFile(pages) : null;
        return _mm.NewVma(_mm.Processes[process], name, pages, kind, prot, thp, file).Id;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected override Errno TouchCore(int vma, long first, long count, bool write, ulong salt, out FaultCounts faults)
    {
        faults = default;
        var v = _mm.Vmas[vma];
        var err = _mm.PrepareFaults(v, first, count, 1, write);
        if (err != Errno.None)
        {
            return err;
        }
        if (TryTouchHoles(v, first, count, write, salt))
        {
            faults.New = count;
            SyncDevices();
            return Errno.None;
        }
        for (var i = first; i < first + count; i++)
        {
            var id = _mm.FaultIn(v, i, write, ref faults);
            if (write)
            {
                _mm.Memory.Write(ref _mm.ContentRef(id), Stamp.Of(salt, i));
            }
        }
        if (write)
        {
            v.Shadow.Write(first, count, salt);
        }
        SyncDevices();
        return Errno.None;
    }

    /// <summary>
    /// The first touch of a range of holes in a private anon VMA without huge pages, in bulk: each fault would take the
    /// lowest free RAM frame in address order, so the range takes the lowest <paramref name="count"/> frames in one
    /// allocation and one walk maps them (the page as <c>MapNewPage</c> leaves it, the content as the touch writes it).
    /// False, changing nothing, for any other range; the per-page fault path then runs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryTouchHoles(VmaInfo v, long first, long count, bool write, ulong salt)
    {
        // A VMA split by a partial munmap or mprotect takes the per-page path (protection per page).
        if (count < 64 || v.Kind != VmaKind.Anon || v.File is not null || v.Huge is not null || v.Area.Thp || v.ProtPages is not null || (!write && _mm.ZeroPage))
        {
            return false;
        }
        var ptes = new EntityCursor<Pte>(_mm.Ptes);
        for (var i = first; i < first + count; i++)
        {
            if (ptes.At(v.FirstPte + i).Kind != PteKind.None)
            {
                return false;
            }
        }
        var memory = _mm.Memory;
        var bits = (v.Area.Writable ? PteBits.Write : PteBits.None) | PteBits.SoftDirty;
        var ids = CallArrays.Take<long>((int)Math.Min(count, CallArrays.PooledLimit));
        var pages = new PageCursor(memory);
        try
        {
            for (var done = 0L; done < count;)
            {
                var batch = ids.AsSpan(0, (int)Math.Min(ids.Length, count - done));
                if (memory.AllocateFrames(-1, batch) != batch.Length)
                {
                    // PrepareFaults found the frames free; nothing else takes them during the touch.
                    throw new InvalidOperationException("RAM ran out during a touch that fit");
                }
                for (var k = 0; k < batch.Length; k++)
                {
                    var i = first + done + k;
                    var g = v.FirstPte + i;
                    var id = (int)batch[k];
                    ref var page = ref pages.At(id, out var row);
                    page = Page.Free;
                    page.Flags = PageFlags.Allocated | PageFlags.Lru | PageFlags.Anon;
                    ref var content = ref pages.ContentAt(id);
                    content = default;
                    MemoryManager.Link(ref ptes.At(g), ref page, g, id, PteKind.Present, bits);
                    if (write)
                    {
                        memory.Write(ref content, Stamp.Of(salt, i));
                    }
                }
                done += batch.Length;
            }
        }
        finally
        {
            pages.Flush();
            CallArrays.Give(ids);
        }
        if (write)
        {
            v.Shadow.Write(first, count, salt);
        }
        return true;
    }

    private protected override int ForkCore(int parent, string child, List<int> childVmas)
    {
        var p = _mm.Processes[parent];
        foreach (var v in p.Vmas)
        {
            if (!v.Shared)
            {
                // Fork's write-protect of a COW mapping invalidates the parent's range for every mirror.
                v.Mirror?.Clear();
            }
        }
        var c = new AddressSpace(_mm.Processes.Count, child);
        _mm.Processes.Add(c);
        _mm.Fork(p, c);
        foreach (var v in c.Vmas)
        {
            childVmas.Add(v.Id);
        }
        return c.Id;
    }

    private protected override Errno PinCore(int vma, long first, long count, int every, bool take, out long pages) =>
        HoldEvery(vma, first, count, every, take, pin: true, out pages);

    private protected override Errno LockCore(int vma, long first, long count, int every, bool take, out long pages) =>
        HoldEvery(vma, first, count, every, take, pin: false, out pages);

    /// <summary>
    /// <c>pin</c>/<c>unpin</c> (<paramref name="pin"/>) or <c>lock</c>/<c>unlock</c>: faults in every <paramref name="every"/>-th
    /// page as a read touch would, then another holder takes (<paramref name="take"/>) or drops a pin or the page lock.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Errno HoldEvery(int vma, long first, long count, int every, bool take, bool pin, out long pages)
    {
        pages = 0;
        var v = _mm.Vmas[vma];
        var err = _mm.PrepareFaults(v, first, count, every, false, ownPage: true);
        if (err != Errno.None)
        {
            return err;
        }
        FaultCounts ignored = default;
        for (var i = first; i < first + count; i += every)
        {
            var id = _mm.FaultIn(v, i, false, ref ignored, ownPage: true);
            var chunk = _mm.Memory.Locate(id, out var row);
            ref var page = ref chunk.GetSpan<Page>()[row];
            if (pin && (take || page.Pins > 0))
            {
                var delta = take ? 1 : -1;
                page.Pins = (short)(page.Pins + delta);
                page.Refcount += delta;
                pages++;
            }
            else if (!pin && take != page.Is(PageFlags.LockedByOther))
            {
                page.Flags ^= PageFlags.LockedByOther;
                chunk.SetEnabled<Locked>(row, take);
                pages++;
            }
        }
        SyncDevices();
        return Errno.None;
    }

    private protected override Errno SwapOutCore(int vma, long first, long count, int every, out long swapped)
    {
        swapped = _mm.SwapOut(_mm.Vmas[vma], first, count, every);
        return Errno.None;
    }

    private protected override void MprotectCore(int vma, long first, long count, PageProt prot)
    {
        var v = _mm.Vmas[vma];
        v.Mirror?.ClearRange(first, count);
        _mm.Mprotect(v, first, count, prot);
    }

    private protected override int MremapCore(int process, int vma, long first, long count, string name, long pages, bool dontUnmap)
    {
        var v = _mm.Vmas[vma];
        v.Mirror?.ClearRange(first, count);
        var moved = _mm.Mremap(_mm.Processes[process], v, first, count, name, pages, dontUnmap);
        SyncDevices();
        return moved.Id;
    }

    private protected override void MunmapRangeCore(int vma, long first, long count)
    {
        var v = _mm.Vmas[vma];
        v.Mirror?.ClearRange(first, count);
        _mm.MunmapRange(v, first, count);
        SyncDevices();
    }

    private protected override void MunmapCore(int process, int vma)
    {
        var v = _mm.Vmas[vma];
        v.Mirror?.Clear();
        _mm.Munmap(_mm.Processes[process], v);
        SyncDevices();
    }

    private protected override Errno MigrateCore(int vma, long first, long count, int target, FailureInjection inject, MigrateSelection select, MigrateResult result)
    {
        var v = _mm.Vmas[vma];
        var ops = target < 0 ? RamOps : _mm.Drivers[target].MigrateInto;
        var races = TakeRaceHook();
        result.Findings = null;
        if (Config.Profile == SemanticsProfile.V13AsPosted)
        {
            _asPosted.Run(v, first, count, target, ops, inject, result, races);
        }
        else
        {
            if (target >= 0)
            {
                _mm.PrefaultMirror(v, target, first, count);
            }
            _pipeline.Run(v, first, first + count, target, ops, inject, select, result, races);
        }
        if (target >= 0)
        {
            // dmirror's finalize: the migrating device maps every page it migrated into its mirror.
            _mm.MirrorMapMigrated(v, target, first, result.PageOutcomes);
        }
        SyncDevices();
        return Errno.None;
    }

    /// <summary>
    /// The seed-shaped entry (<c>hmm_vma_migrate(ops, vma, start, end, …)</c>): migrates pages
    /// <c>[start, end)</c> of a VMA with the driver callbacks <paramref name="ops"/>, toward
    /// <paramref name="to"/> (a device name or <c>ram</c>: the simulator needs it for <c>already-on-target</c>).
    /// EINVAL, changing nothing, for an unknown process, VMA or target, an empty range, a range past the VMA,
    /// hugetlb and pfnmap VMAs.
    /// </summary>
    public Errno MigrateVma(IMigrateOps ops, string proc, string vma, long start, long end, string to, MigrateResult result)
    {
        if (!TryResolveVma(proc, vma, out var id, out var pages, out var migratable) || !TryTarget(to, out var target)
            || !migratable || !FitsVma(start, end, pages) || !TrySelection(new MigrateRequest(proc, vma, default, to), target, out var select)
            || Config.Profile == SemanticsProfile.V13AsPosted)
        {
            // Under v13-as-posted a host's own driver is refused: the posted helper runs with the dummy driver only.
            return Errno.EINVAL;
        }
        result.Findings = null;
        _pipeline.Run(_mm.Vmas[id], start, end, target, ops, default, select, result);
        SyncDevices();
        return Errno.None;
    }

    /// <summary>
    /// Inserts a host system into the migration pipeline, right <paramref name="position"/> phase <paramref name="phase"/>;
    /// it runs on every later migrate (also a CPU fault's migration back to RAM). See docs/hosting.md.
    /// </summary>
    public void InsertSystem(Hosting.MigrationPhase phase, Hosting.Position position, ISystem<Hosting.MigrationContext> system)
        => _pipeline.Insert((int)phase, position == Hosting.Position.After, new Hosting.HostSystemAdapter(system));

    /// <summary>The dummy driver of device <paramref name="name"/>.</summary>
    public DummyDevice Driver(string name)
    {
        var d = Config.DeviceIndex(name);
        return d >= 0 ? _mm.Drivers[d] : throw new ArgumentException($"no device '{name}'", nameof(name));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected override void VerifyCore(int vma, long first, long count, bool seq, ulong salt, VerifyResult result)
    {
        var sink = new VerifySink(result, seq, salt);
        _mm.ReadRange(_mm.Vmas[vma], first, count, ref sink);
    }

    private readonly struct VerifySink(VerifyResult result, bool seq, ulong salt) : IPageViewSink
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Take(long index, in PageView view)
        {
            var expected = seq ? Stamp.Of(salt, index) : 0UL;
            result.Checked++;
            if (view.Content != expected)
            {
                result.Mismatches++;
            }
            switch (view.Residence)
            {
                case Residence.Hole: result.Hole++; break;
                case Residence.Ram: result.Ram++; break;
                case Residence.Swap: result.Swap++; break;
                case Residence.Device: result.Device[view.Device]++; break;
                case Residence.Zero: result.Zero++; break;
            }
        }
    }

    private ref struct InspectSink(Span<PageView> dest, long first) : IPageViewSink
    {
        private readonly Span<PageView> _dest = dest;

        public void Take(long index, in PageView view) => _dest[(int)(index - first)] = view;
    }

    private protected override StatsResult StatsCore()
    {
        var memory = _mm.Memory;
        var devices = memory.Devices;
        var stats = new StatsResult
        {
            RamUsed = memory.Ram.Used,
            RamFree = memory.Ram.Free,
            DeviceUsed = new long[devices.Count],
            DeviceFree = new long[devices.Count],
        };
        for (var d = 0; d < devices.Count; d++)
        {
            stats.DeviceUsed[d] = devices[d].Used;
            stats.DeviceFree[d] = devices[d].Free;
        }
        foreach (var chunk in _world.Query(new QueryDescription().WithAll<Page>()))
        {
            foreach (ref var page in chunk.GetSpan<Page>())
            {
                if (page.Pins > 0)
                {
                    stats.Pinned++;
                }
                if ((page.Flags & PageFlags.LockedByOther) != 0)
                {
                    stats.Locked++;
                }
                if ((page.Flags & PageFlags.SwapCache) != 0)
                {
                    stats.SwapCache++;
                }
            }
        }
        return stats;
    }

    /// <inheritdoc/>
    public override CheckResult Check()
    {
        ThrowIfCallOpen("check");
        return InvariantChecker.Run(_mm).ForProfile(Config.Profile);
    }

    private protected override Machine.Races.RaceEntry RaceEntryCore(int vma, long i, out long page)
    {
        var v = _mm.Vmas[vma];
        page = -1;
        if (v.HasHuge(i))
        {
            page = _mm.HugeRef(v, PageGeometry.PmdOf(i)).Head + PageGeometry.OffsetInPmd(i);
            return Machine.Races.RaceEntry.Mapped;
        }
        ref var pte = ref _mm.PteRef(v.FirstPte + i);
        switch (pte.Kind)
        {
            case PteKind.DevicePrivate:
                page = pte.Target;
                return _mm.Memory.Locate(pte.Target, out var row).IsEnabled<Locked>(row) ? Machine.Races.RaceEntry.LockedPage : Machine.Races.RaceEntry.Mapped;
            case PteKind.Present:
                page = pte.Target;
                return Machine.Races.RaceEntry.Mapped;
            case PteKind.None when v.File is { } file && file.Cache[i] >= 0
                && _mm.Memory.Locate(file.Cache[i], out var cacheRow).IsEnabled<Locked>(cacheRow):
                page = file.Cache[i];
                return Machine.Races.RaceEntry.LockedPage;
            case PteKind.Migration:
                page = pte.Target;
                return Machine.Races.RaceEntry.MigrationEntry;
            default:
                // A hole of a file or shmem VMA stands for its page-cache page, if any.
                page = pte.Kind == PteKind.None && v.File is { } cached && cached.Cache[i] >= 0 ? cached.Cache[i] : -1;
                return Machine.Races.RaceEntry.None;
        }
    }

    private protected override void InspectCore(int vma, long first, Span<PageView> dest)
    {
        var sink = new InspectSink(dest, first);
        _mm.ReadRange(_mm.Vmas[vma], first, dest.Length, ref sink);
    }

    /// <inheritdoc/>
    public override void Dispose() => _world.Dispose();

    /// <summary>
    /// Runs every migration path once on a tiny private machine, so the JIT compiles the phases before a
    /// timed first migrate (the command line does this before <c>hmmecs run</c> on this engine). Measured on
    /// the 2-core dev box: ≈90–150 ms the first time in a process, ≈1 ms after. It shares nothing with any
    /// other machine (no static state), so it cannot change a result.
    /// </summary>
    public static void WarmUp()
    {
        var devices = new[]
        {
            new DeviceConfig("warm0", PageGeometry.PmdPages),
            new DeviceConfig("warm1", PageGeometry.PmdPages, Allocation: DeviceAllocation.Chunk, Addressable: true),
        };
        using var m = new EcsMachine(new MachineConfig(2 * PageGeometry.PmdPages, PayloadMode.Token, 1, devices));
        m.CreateProcess("p");
        m.Mmap("p", "a", 256, VmaKind.Anon, true, false);
        m.Touch("p", "a", PageRange.All, Access.Write, 1, out _);
        m.Pin("p", "a", PageRange.All, 64, true, out _);
        var result = new MigrateResult();
        m.Migrate(new MigrateRequest("p", "a", PageRange.All, "warm0", new FailureInjection(1000, 1000, 1000)), result);
        m.Migrate(new MigrateRequest("p", "a", PageRange.All, "warm1"), result);
        m.Migrate(new MigrateRequest("p", "a", PageRange.All, MigrateTargets.Ram), result);
        m.Migrate(new MigrateRequest("p", "a", PageRange.All, "warm0"), result);
        m.Touch("p", "a", new PageRange(0, 1), Access.Read, 0, out _);
        m.Verify("p", "a", PageRange.All, VerifyPattern.Seq, 1, new VerifyResult());
        m.Stats();
    }

    private void SyncDevices()
    {
        foreach (var d in _mm.Drivers)
        {
            d.Memory.SyncChunks(_world);
        }
    }
}
