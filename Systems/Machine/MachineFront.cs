using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Machine;

/// <summary>
/// The one front layer both engines sit behind, as system-call entry sits in front of the kernel's mm: it
/// owns the names (processes, their VMAs, devices) and decides every rejection that needs no page state —
/// an unknown or duplicate name, an unknown device, a range that does not fit the VMA, a bad <c>every</c>, a
/// write to a read-only VMA, a migrate of a hugetlb or pfnmap VMA, an evict RAM cannot take — the same way
/// for both engines, before an engine sees the call. An engine implements the <c>…Core</c> members with
/// resolved arguments (its own process and VMA numbers, device indices, <c>[first, first + count)</c>) and
/// keeps its own page-level semantics; a call that reaches it has passed every check here.
/// </summary>
/// <remarks>
/// Error codes: a name that does not resolve, a name that already exists, an unknown device (or migrate
/// target) and a bad <c>mmap</c> size are <see cref="Errno.EINVAL"/>; a range past the VMA or a bad
/// <c>every</c> is <see cref="Errno.EFAULT"/>, except for <c>migrate</c>, where the seed returns
/// <see cref="Errno.EINVAL"/>. A rejected call changes nothing.
/// </remarks>
public abstract partial class MachineFront : IMachine
{
    private readonly Dictionary<string, ProcessEntry> _processes = new(StringComparer.Ordinal);
    private readonly List<ProcessEntry> _processOrder = [];
    private readonly MigrateResult _evictSlice = new();

    /// <summary>
    /// Checks the names of <paramref name="config"/>'s devices (<see cref="MachineConfig.DeviceNameProblem"/>) and that
    /// its profile runs (<see cref="SemanticsProfiles.NotImplemented"/>: <see cref="NotSupportedException"/>).
    /// </summary>
    private protected MachineFront(MachineConfig config)
    {
        if (SemanticsProfiles.NotImplemented(config.Profile) is { } notYet)
        {
            throw new NotSupportedException($"profile: {notYet}");
        }
        var devices = config.DeviceList;
        for (var d = 0; d < devices.Count; d++)
        {
            if (MachineConfig.DeviceNameProblem(devices, d) is { } problem)
            {
                throw new ArgumentException($"devices[{d}].name: {problem}", nameof(config));
            }
        }
        if (config.HelperThreads < 0)
        {
            throw new ArgumentException($"helperThreads: {config.HelperThreads} is negative (0: one per core)", nameof(config));
        }
        Config = config;
    }

    /// <inheritdoc/>
    public MachineConfig Config { get; }

    /// <inheritdoc/>
    public abstract string EngineName { get; }

    /// <inheritdoc/>
    public StatsResult Stats()
    {
        ThrowIfCallOpen("stats");
        var stats = StatsCore();
        var mirrored = new long[Config.DeviceList.Count];
        foreach (var p in _processOrder)
        {
            foreach (var v in p.Order)
            {
                for (var d = 0; d < mirrored.Length; d++)
                {
                    mirrored[d] += LiveMirrorEntriesCore(v.Id, d);
                }
            }
        }
        stats.DeviceMirrored = mirrored;
        return stats;
    }

    /// <inheritdoc/>
    public abstract CheckResult Check();

    /// <inheritdoc/>
    public abstract void Dispose();

    /// <summary>A process as the front knows it: the engine's number for it and its VMAs by name.</summary>
    private sealed class ProcessEntry(string name, int id)
    {
        public string Name { get; } = name;
        public int Id { get; } = id;
        public Dictionary<string, VmaEntry> Vmas { get; } = new(StringComparer.Ordinal);
        public List<VmaEntry> Order { get; } = [];

        public void Add(VmaEntry vma)
        {
            Vmas.Add(vma.Name, vma);
            Order.Add(vma);
        }
    }

    /// <summary>A VMA as the front knows it: the engine's number for it and the attributes the checks read.</summary>
    private sealed class VmaEntry(string name, int id, long pages, Components.Memory.VmaKind kind, VmaLayout layout)
    {
        public string Name { get; } = name;
        public int Id { get; } = id;
        public long Pages { get; } = pages;
        public Components.Memory.VmaKind Kind { get; } = kind;
        /// <summary>The kernel VMAs the name covers: a protection per page (partial munmap and mprotect split it).</summary>
        public VmaLayout Layout { get; } = layout;
    }

    private bool TryVma(string proc, string vma, out VmaEntry entry)
    {
        if (_processes.TryGetValue(proc, out var p) && p.Vmas.TryGetValue(vma, out var v))
        {
            entry = v;
            return true;
        }
        entry = null!;
        return false;
    }

    /// <summary>The device index of <paramref name="device"/>; false for an unknown name (and for <c>ram</c>).</summary>
    private bool TryDevice(string device, out int index)
    {
        index = Config.DeviceIndex(device);
        return index >= 0;
    }

    /// <summary>A migrate target: -1 for <c>ram</c>, else the device index; false for an unknown name.</summary>
    private protected bool TryTarget(string to, out int target)
    {
        if (to == MigrateTargets.Ram)
        {
            target = -1;
            return true;
        }
        return TryDevice(to, out target);
    }

    /// <summary>
    /// Resolves a VMA of a process for a subclass's own entry points: the engine's VMA number, its size,
    /// and whether the seed's helper takes it (not hugetlb, not pfnmap). False when either name is unknown.
    /// </summary>
    private protected bool TryResolveVma(string proc, string vma, out int id, out long pages, out bool migratable)
    {
        if (!TryVma(proc, vma, out var v))
        {
            id = -1;
            pages = 0;
            migratable = false;
            return false;
        }
        id = v.Id;
        pages = v.Pages;
        migratable = Migratable(v);
        return true;
    }

    private static bool Migratable(VmaEntry v) =>
        v.Kind is not (Components.Memory.VmaKind.Hugetlb or Components.Memory.VmaKind.Pfnmap);

    /// <summary>The seed's range check for <c>[start, end)</c> of a VMA of <paramref name="pages"/> pages, without overflow.</summary>
    private protected static bool FitsVma(long start, long end, long pages) => start >= 0 && start < end && end <= pages;
}
