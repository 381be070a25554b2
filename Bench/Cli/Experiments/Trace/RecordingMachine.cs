using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Migration;

namespace HmmEcs.Cli.Experiments.Trace;

/// <summary>
/// What one <c>migrate</c> call did beyond its step result: the request, each page's outcome, and the phase times and
/// copy commands where the engine exposes them.
/// </summary>
/// <param name="Request">The request as the runner made it.</param>
/// <param name="PageOutcomes">Per page of the range: <see cref="MigrateReason.None"/> when it migrated (empty on error).</param>
/// <param name="Phases">Per-phase wall times of the ECS engine's pipeline; empty for engines that do not expose them.</param>
/// <param name="Commands">
/// The copy commands the device's copy engine issued for this migrate (ECS engine); null when the engine does not
/// expose them or the migrate copied nothing.
/// </param>
public sealed record MigrateRecord(MigrateRequest Request, MigrateReason[] PageOutcomes, IReadOnlyList<PhaseTime> Phases,
    IReadOnlyList<HmmEcs.Devices.Copy.CopyCommand>? Commands = null);

/// <summary>
/// An <see cref="IMachine"/> that forwards every call to another one and remembers each <c>migrate</c>
/// (<see cref="MigrateRecord"/>), so reports and traces can show more than the result JSON without touching the engines.
/// </summary>
public sealed class RecordingMachine(IMachine inner) : IMachine
{
    /// <summary>Every migrate call in order (the runner makes exactly one per migrate step).</summary>
    public List<MigrateRecord> Migrations { get; } = [];

    /// <inheritdoc/>
    public MachineConfig Config => inner.Config;

    /// <inheritdoc/>
    public string EngineName => inner.EngineName;

    /// <inheritdoc/>
    public Errno Migrate(MigrateRequest request, MigrateResult result)
    {
        var e = inner.Migrate(request, result);
        IReadOnlyList<PhaseTime> phases = inner is EcsMachine ecs ? [.. ecs.LastMigratePhaseTimes] : [];
        // The engine keeps only its last submission's commands: a migrate that copied nothing left an older list there.
        var commands = inner is EcsMachine issued && result.Copy.Pages > 0 && issued.LastCopyCommands.Length == result.Copy.Batches
            ? issued.LastCopyCommands.ToArray()
            : null;
        Migrations.Add(new MigrateRecord(request, [.. result.PageOutcomes], phases, commands));
        return e;
    }

    /// <inheritdoc/>
    public Errno CreateProcess(string name) => inner.CreateProcess(name);

    /// <inheritdoc/>
    public Errno Mmap(string proc, string vma, long pages, VmaKind kind, bool writable, bool thp) => inner.Mmap(proc, vma, pages, kind, writable, thp);

    /// <inheritdoc/>
    public Errno Touch(string proc, string vma, PageRange range, Access access, ulong salt, out FaultCounts faults) =>
        inner.Touch(proc, vma, range, access, salt, out faults);

    /// <inheritdoc/>
    public Errno Fork(string proc, string child) => inner.Fork(proc, child);

    /// <inheritdoc/>
    public Errno Pin(string proc, string vma, PageRange range, int every, bool take, out long pages) => inner.Pin(proc, vma, range, every, take, out pages);

    /// <inheritdoc/>
    public Errno Lock(string proc, string vma, PageRange range, int every, bool take, out long pages) => inner.Lock(proc, vma, range, every, take, out pages);

    /// <inheritdoc/>
    public Errno SwapOut(string proc, string vma, PageRange range, int every, out long swapped) => inner.SwapOut(proc, vma, range, every, out swapped);

    /// <inheritdoc/>
    public Errno Mprotect(string proc, string vma, bool writable) => inner.Mprotect(proc, vma, writable);

    /// <inheritdoc/>
    public Errno Munmap(string proc, string vma) => inner.Munmap(proc, vma);

    /// <inheritdoc/>
    public Errno Verify(string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, VerifyResult result) =>
        inner.Verify(proc, vma, range, pattern, salt, result);

    /// <inheritdoc/>
    public StatsResult Stats() => inner.Stats();

    /// <inheritdoc/>
    public CheckResult Check() => inner.Check();

    /// <inheritdoc/>
    public void Inspect(string proc, string vma, long first, Span<PageView> dest) => inner.Inspect(proc, vma, first, dest);

    /// <inheritdoc/>
    public void Dispose() => inner.Dispose();

    /// <inheritdoc/>
    public Errno DeviceRead(string device, string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, DeviceAccessResult result) =>
        inner.DeviceRead(device, proc, vma, range, pattern, salt, result);

    /// <inheritdoc/>
    public Errno DeviceWrite(string device, string proc, string vma, PageRange range, ulong salt, DeviceAccessResult result) =>
        inner.DeviceWrite(device, proc, vma, range, salt, result);

    /// <inheritdoc/>
    public Errno Snapshot(string device, string proc, string vma, PageRange range, SnapshotResult result) =>
        inner.Snapshot(device, proc, vma, range, result);

    /// <inheritdoc/>
    public Errno Evict(string device, out long migrated) => inner.Evict(device, out migrated);

    /// <inheritdoc/>
    public Errno Evict(string device, PageRange pages, out long migrated) => inner.Evict(device, pages, out migrated);

    /// <inheritdoc/>
    public Errno Workload(WorkloadRequest request, WorkloadResult result) => inner.Workload(request, result);
}
