using HmmEcs.Components.Memory;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Systems.Hosting;

// Building the plan from code: each step's names are checked as the scenario loader checks a file's, when it is added.
public sealed partial class HostSimulation
{
    private NameTracker? _names;

    /// <summary>
    /// Appends <paramref name="step"/> (any scenario step; a repeat is unrolled) to the plan. Throws
    /// <see cref="ScenarioException"/>, adding nothing, when the step names a process, VMA or device that does not
    /// exist at that point of the plan, or creates one that does (the message starts with the step's path).
    /// </summary>
    public HostSimulation Add(ScenarioStep step)
    {
        // A single step checks every name before it changes one; a repeat's body may fail part-way, so it is followed on a copy.
        var names = step is RepeatStep ? Names.Clone() : Names;
        names.Follow(step);
        _names = names;
        var unrolled = new List<PlannedStep>();
        PlannedStep.Unroll([step], unrolled);
        // Unroll labels a lone step index 0: give it its position among the top-level steps.
        foreach (var planned in unrolled)
        {
            _plan.Add(planned with { Index = _topLevelSteps });
        }
        _topLevelSteps++;
        return this;
    }

    private string NextPath => $"steps[{_topLevelSteps}]";

    /// <summary>The names the plan makes, followed up to its end (built on the first <see cref="Add"/>).</summary>
    private NameTracker Names
    {
        get
        {
            if (_names is null)
            {
                var names = new NameTracker(Machine.Config.DeviceList.Select(d => d.Name));
                foreach (var planned in _plan)
                {
                    names.Follow(planned.Step);
                }
                _names = names;
            }
            return _names;
        }
    }

    /// <summary>Appends <c>process</c>.</summary>
    public HostSimulation Process(string name) => Add(new ProcessStep(NextPath, [], name));

    /// <summary>Appends <c>mmap</c>.</summary>
    public HostSimulation Mmap(string proc, string vma, long pages, VmaKind kind = VmaKind.Anon, bool writable = true, bool thp = false) =>
        Add(new MmapStep(NextPath, [], proc, vma, pages, kind, writable ? PageProt.ReadWrite : PageProt.Read, thp));

    /// <summary>Appends <c>touch</c> (the whole VMA when <paramref name="range"/> is null).</summary>
    public HostSimulation Touch(string proc, string vma, Access access, ulong salt = 0, PageRange? range = null) =>
        Add(new TouchStep(NextPath, [], proc, vma, range ?? PageRange.All, access, salt));

    /// <summary>Appends <c>fork</c>.</summary>
    public HostSimulation Fork(string proc, string child) => Add(new ForkStep(NextPath, [], proc, child));

    /// <summary>Appends <c>pin</c> (or <c>unpin</c> when <paramref name="take"/> is false) of every <paramref name="every"/>-th page.</summary>
    public HostSimulation Pin(string proc, string vma, int every = 1, bool take = true, PageRange? range = null) =>
        Add(new PinStep(take ? "pin" : "unpin", NextPath, [], proc, vma, range ?? PageRange.All, every, take));

    /// <summary>Appends <c>lock</c> (or <c>unlock</c> when <paramref name="take"/> is false) of every <paramref name="every"/>-th page.</summary>
    public HostSimulation Lock(string proc, string vma, int every = 1, bool take = true, PageRange? range = null) =>
        Add(new LockStep(take ? "lock" : "unlock", NextPath, [], proc, vma, range ?? PageRange.All, every, take));

    /// <summary>Appends <c>swapout</c>.</summary>
    public HostSimulation SwapOut(string proc, string vma, int every = 1, PageRange? range = null) =>
        Add(new SwapOutStep(NextPath, [], proc, vma, range ?? PageRange.All, every));

    /// <summary>Appends <c>mprotect</c>.</summary>
    public HostSimulation Mprotect(string proc, string vma, bool writable) =>
        Add(new MprotectStep(NextPath, [], proc, vma, writable ? PageProt.ReadWrite : PageProt.Read, PageRange.All));

    /// <summary>Appends <c>mprotect</c> of a range (a partial one splits the VMA).</summary>
    public HostSimulation Mprotect(string proc, string vma, PageRange range, PageProt prot) => Add(new MprotectStep(NextPath, [], proc, vma, prot, range));

    /// <summary>Appends <c>mremap</c>: the range moves, entries and all, to a new VMA <paramref name="newVma"/> of <paramref name="pages"/> pages.</summary>
    public HostSimulation Mremap(string proc, string vma, PageRange range, string newVma, long pages, bool dontUnmap = false) =>
        Add(new MremapStep(NextPath, [], proc, vma, range, newVma, pages, dontUnmap));

    /// <summary>Appends a partial <c>munmap</c>: the range leaves the VMA, the name stays.</summary>
    public HostSimulation Munmap(string proc, string vma, PageRange range) => Add(new MunmapStep(NextPath, [], proc, vma, range));

    /// <summary>Appends <c>munmap</c>.</summary>
    public HostSimulation Munmap(string proc, string vma) => Add(new MunmapStep(NextPath, [], proc, vma));

    /// <summary>Appends <c>migrate</c>.</summary>
    public HostSimulation Migrate(MigrateRequest request) => Add(new MigrateStep(NextPath, [], request));

    /// <summary>Appends <c>migrate</c> of a range of a VMA to a device or <c>ram</c>.</summary>
    public HostSimulation Migrate(string proc, string vma, string to, PageRange? range = null) =>
        Migrate(new MigrateRequest(proc, vma, range ?? PageRange.All, to));

    /// <summary>Appends <c>verify</c>.</summary>
    public HostSimulation Verify(string proc, string vma, VerifyPattern pattern, ulong salt = 0, PageRange? range = null) =>
        Add(new VerifyStep(NextPath, [], proc, vma, range ?? PageRange.All, pattern, salt));

    /// <summary>Appends <c>stats</c>.</summary>
    public HostSimulation Stats() => Add(new StatsStep(NextPath, []));

    /// <summary>Appends <c>check</c>.</summary>
    public HostSimulation Check() => Add(new CheckStep(NextPath, []));

    /// <summary>Appends a <c>workload</c>: a device's access stream over a range, its faults serviced through the helper.</summary>
    public HostSimulation Workload(WorkloadRequest request) => Add(new WorkloadStep(NextPath, [], request));
}
