using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
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

namespace HmmEcs.Systems.EcsEngine;

/// <summary>
/// The ECS pipeline: pages, PTEs, VMAs and device chunks are entities of one World and the
/// helper's phases are systems over archetype queries (see DESIGN.md "How the kernel maps onto entities").
/// </summary>
public sealed partial class EcsMachine : IMachine
{
    private readonly World _world;
    private readonly MemoryManager _mm;
    private readonly MigrationPipeline _pipeline;

    /// <summary>Builds a machine of <paramref name="config"/>: RAM frames and device pages exist as page entities from the start.</summary>
    public EcsMachine(MachineConfig config)
        : this(config, warmUp: true)
    {
    }

    private EcsMachine(MachineConfig config, bool warmUp)
    {
        if (warmUp)
        {
            WarmUp();
        }
        Config = config;
        _world = new World();
        _world.RegisterEnableable<Migrate>();
        _world.RegisterEnableable<Locked>();
        var specs = new List<DeviceSpec>();
        foreach (var d in config.DeviceList)
        {
            specs.Add(new DeviceSpec(d.Name, d.Pages, d.ChunkPages, d.Allocation == DeviceAllocation.Chunk,
                d.Addressable, d.Movable, d.Copy));
        }
        var memory = new PhysicalMemory(_world, config.RamPages, specs, config.Payload == PayloadMode.Bytes);
        var engine = new BatchedCopyEngine();
        var drivers = new DummyDevice[specs.Count];
        for (var d = 0; d < drivers.Length; d++)
        {
            drivers[d] = new DummyDevice(memory, d, engine);
        }
        _mm = new MemoryManager(_world, memory, drivers);
        _pipeline = new MigrationPipeline(_mm);
        _mm.Pipeline = _pipeline;
        RamOps = new DummyMigrateOps(memory, engine, -1);
    }

    /// <inheritdoc/>
    public MachineConfig Config { get; }

    /// <inheritdoc/>
    public string EngineName => "ecs";

    /// <inheritdoc/>
    public bool HasDeviceMirror => true;

    /// <summary>The world holding every entity of the machine (for inspection and benchmarks).</summary>
    public World World => _world;

    /// <summary>Per-phase wall time of the last <see cref="Migrate"/> (collect … remove migration entries, restore).</summary>
    public IReadOnlyList<PhaseTime> LastMigratePhaseTimes => _pipeline.LastPhaseTimes;

    /// <summary>Callbacks migrating pages back to RAM (used by <c>migrate to: ram</c>).</summary>
    private DummyMigrateOps RamOps { get; }

    /// <inheritdoc/>
    public Errno CreateProcess(string name)
    {
        _mm.Processes.Add(new AddressSpace(_mm.Processes.Count, name));
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Mmap(string proc, string vma, long pages, VmaKind kind, bool writable, bool thp)
    {
        if (pages < 1)
        {
            return Errno.EINVAL;
        }
        var p = _mm.Process(proc);
        FileObject? file = null;
        if (kind is VmaKind.File or VmaKind.SharedAnon)
        {
            file = _mm.NewFile(pages);
        }
        _mm.NewVma(p, vma, pages, kind, writable, thp, file);
        return Errno.None;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Errno Touch(string proc, string vma, PageRange range, Access access, ulong salt, out FaultCounts faults)
    {
        faults = default;
        var v = _mm.Process(proc).Find(vma);
        if (!range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        var write = access == Access.Write;
        var err = _mm.PrepareFaults(v, first, count, 1, write);
        if (err != Errno.None)
        {
            return err;
        }
        for (var i = first; i < first + count; i++)
        {
            var id = _mm.FaultIn(v, i, write, ref faults);
            if (write)
            {
                var stamp = Components.Content.Stamp.Of(salt, i);
                _mm.Memory.Write(ref _mm.ContentRef(id), stamp);
            }
        }
        if (write)
        {
            v.Shadow.Write(first, count, salt);
        }
        SyncDevices();
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Fork(string proc, string child)
    {
        var parent = _mm.Process(proc);
        foreach (var v in parent.Vmas)
        {
            if (!v.Shared)
            {
                // Fork's write-protect of a COW mapping invalidates the parent's range for every mirror.
                v.Mirror?.Clear();
            }
        }
        var c = new AddressSpace(_mm.Processes.Count, child);
        _mm.Processes.Add(c);
        _mm.Fork(parent, c);
        return Errno.None;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Errno Pin(string proc, string vma, PageRange range, int every, bool take, out long pages)
    {
        pages = 0;
        var v = _mm.Process(proc).Find(vma);
        if (!Prepare(v, range, every, out var first, out var count, out var err))
        {
            return err;
        }
        FaultCounts ignored = default;
        for (var i = first; i < first + count; i += every)
        {
            var id = _mm.FaultIn(v, i, false, ref ignored);
            ref var page = ref _mm.PageRef(id);
            if (take)
            {
                page.Pins++;
                page.Refcount++;
                pages++;
            }
            else if (page.Pins > 0)
            {
                page.Pins--;
                page.Refcount--;
                pages++;
            }
        }
        SyncDevices();
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Lock(string proc, string vma, PageRange range, int every, bool take, out long pages)
    {
        pages = 0;
        var v = _mm.Process(proc).Find(vma);
        if (!Prepare(v, range, every, out var first, out var count, out var err))
        {
            return err;
        }
        FaultCounts ignored = default;
        for (var i = first; i < first + count; i += every)
        {
            var id = _mm.FaultIn(v, i, false, ref ignored);
            var chunk = _mm.Memory.Locate(id, out var row);
            ref var page = ref chunk.GetSpan<Page>()[row];
            if (take == page.Is(PageFlags.LockedByOther))
            {
                continue;
            }
            page.Flags ^= PageFlags.LockedByOther;
            chunk.SetEnabled<Locked>(row, take);
            pages++;
        }
        SyncDevices();
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno SwapOut(string proc, string vma, PageRange range, int every, out long swapped)
    {
        swapped = 0;
        var v = _mm.Process(proc).Find(vma);
        if (every < 1 || !range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        swapped = _mm.SwapOut(v, first, count, every);
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Mprotect(string proc, string vma, bool writable)
    {
        var v = _mm.Process(proc).Find(vma);
        v.Mirror?.Clear();
        _mm.Mprotect(v, writable);
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Munmap(string proc, string vma)
    {
        var p = _mm.Process(proc);
        var v = p.Find(vma);
        v.Mirror?.Clear();
        _mm.Munmap(p, v);
        SyncDevices();
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Migrate(MigrateRequest request, MigrateResult result)
    {
        var v = _mm.Process(request.Proc).Find(request.Vma);
        if (!request.Range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EINVAL;
        }
        var target = request.To == "ram" ? -1 : Config.DeviceIndex(request.To);
        if (request.To != "ram" && target < 0)
        {
            throw new ArgumentException($"no device '{request.To}'");
        }
        var ops = target < 0 ? RamOps : _mm.Drivers[target].MigrateInto;
        var err = _pipeline.Run(v, first, first + count, target, ops, request.Inject, result);
        if (err == Errno.None && target >= 0)
        {
            MirrorMigrated(v, first, target, result);
        }
        SyncDevices();
        return err;
    }

    /// <summary>
    /// The seed-shaped entry (<c>hmm_vma_migrate(ops, vma, start, end, …)</c>): migrates pages
    /// <c>[start, end)</c> of a VMA with the driver callbacks <paramref name="ops"/>, toward
    /// <paramref name="to"/> (a device name or <c>ram</c>: the simulator needs it for <c>already-on-target</c>).
    /// EINVAL, changing nothing, for an empty range, a range past the VMA, hugetlb and pfnmap VMAs.
    /// </summary>
    public Errno MigrateVma(IMigrateOps ops, string proc, string vma, long start, long end, string to, MigrateResult result)
    {
        var v = _mm.Process(proc).Find(vma);
        var target = to == "ram" ? -1 : Config.DeviceIndex(to);
        var err = _pipeline.Run(v, start, end, target, ops, default, result);
        SyncDevices();
        return err;
    }

    /// <summary>
    /// Inserts a host system into the migration pipeline, right <paramref name="position"/> phase <paramref name="phase"/>;
    /// it runs on every later migrate (also a CPU fault's migration back to RAM). See docs/hosting.md.
    /// </summary>
    public void InsertSystem(Hosting.MigrationPhase phase, Hosting.Position position, ISystem<Hosting.MigrationContext> system)
        => _pipeline.Insert((int)phase, position == Hosting.Position.After, new Hosting.HostSystemAdapter(system));

    /// <summary>The dummy driver of device <paramref name="name"/>.</summary>
    public DummyDevice Driver(string name) => _mm.Drivers[Config.DeviceIndex(name)];

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Errno Verify(string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, VerifyResult result)
    {
        var v = _mm.Process(proc).Find(vma);
        if (!range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        result.Device = new long[Config.DeviceList.Count];
        var sink = new VerifySink(result, pattern == VerifyPattern.Seq, salt);
        _mm.ReadRange(v, first, count, ref sink);
        return Errno.None;
    }

    private readonly struct VerifySink(VerifyResult result, bool seq, ulong salt) : IPageViewSink
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Take(long index, in PageView view)
        {
            var expected = seq ? Components.Content.Stamp.Of(salt, index) : 0UL;
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
            }
        }
    }

    private ref struct InspectSink(Span<PageView> dest, long first) : IPageViewSink
    {
        private readonly Span<PageView> _dest = dest;

        public void Take(long index, in PageView view) => _dest[(int)(index - first)] = view;
    }

    /// <inheritdoc/>
    public StatsResult Stats()
    {
        var memory = _mm.Memory;
        var devices = memory.Devices;
        var stats = new StatsResult
        {
            RamUsed = memory.Ram.Frames.Used,
            RamFree = memory.Ram.Frames.Free,
            DeviceUsed = new long[devices.Count],
            DeviceFree = new long[devices.Count],
            DeviceMirrored = new long[devices.Count],
        };
        for (var d = 0; d < devices.Count; d++)
        {
            stats.DeviceUsed[d] = devices[d].Used;
            stats.DeviceFree[d] = devices[d].Free;
        }
        if (memory.Generations is not null)
        {
            _mm.CountMirrored(stats.DeviceMirrored);
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
            }
        }
        return stats;
    }

    /// <inheritdoc/>
    public CheckResult Check() => InvariantChecker.Run(_mm);

    /// <inheritdoc/>
    public void Inspect(string proc, string vma, long first, Span<PageView> dest)
    {
        var v = _mm.Process(proc).Find(vma);
        var sink = new InspectSink(dest, first);
        _mm.ReadRange(v, first, dest.Length, ref sink);
    }

    /// <inheritdoc/>
    public void Dispose() => _world.Dispose();

    /// <summary>
    /// Runs every migration path once on a tiny private machine, so the JIT compiles the phases
    /// before the first real step and a first large migrate measures the pipeline, not the JIT.
    /// Measured on the 2-core dev box: ≈90–150 ms in the first construction of a process (JIT that
    /// the first steps would pay otherwise), ≈1.1 ms in every later one. It shares nothing with the
    /// machine being built (no static state), so it cannot change any result.
    /// </summary>
    private static void WarmUp()
    {
        var devices = new[]
        {
            new DeviceConfig("warm0", 512),
            new DeviceConfig("warm1", 512, Allocation: DeviceAllocation.Chunk, Addressable: true),
        };
        using var m = new EcsMachine(new MachineConfig(1024, PayloadMode.Token, 1, devices), warmUp: false);
        m.CreateProcess("p");
        m.Mmap("p", "a", 256, VmaKind.Anon, true, false);
        m.Touch("p", "a", PageRange.All, Access.Write, 1, out _);
        m.Pin("p", "a", PageRange.All, 64, true, out _);
        var result = new MigrateResult();
        m.Migrate(new MigrateRequest("p", "a", PageRange.All, "warm0", new FailureInjection(1000, 1000, 1000)), result);
        m.Migrate(new MigrateRequest("p", "a", PageRange.All, "warm1"), result);
        m.Migrate(new MigrateRequest("p", "a", PageRange.All, "ram"), result);
        m.Migrate(new MigrateRequest("p", "a", PageRange.All, "warm0"), result);
        m.Touch("p", "a", new PageRange(0, 1), Access.Read, 0, out _);
        m.Verify("p", "a", PageRange.All, VerifyPattern.Seq, 1, new VerifyResult());
        m.Stats();
    }

    private bool Prepare(VmaInfo v, PageRange range, int every, out long first, out long count, out Errno err)
    {
        if (every < 1 || !range.TryResolve(v.Pages, out first, out count))
        {
            first = count = 0;
            err = Errno.EFAULT;
            return false;
        }
        err = _mm.PrepareFaults(v, first, count, every, false);
        return err == Errno.None;
    }

    private void SyncDevices()
    {
        foreach (var d in _mm.Drivers)
        {
            d.Memory.SyncChunks(_world);
        }
    }
}
