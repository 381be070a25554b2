using HmmEcs.Components.Migration;
using HmmEcs.Systems.Simulation;

namespace HmmEcs.Systems;

/// <summary>
/// The ECS pipeline: pages, PTEs and device chunks are entities of one World and the
/// helper's phases are systems over archetype queries.
/// </summary>
public sealed class EcsMachine : IMachine
{
    /// <summary>Builds an empty machine of <paramref name="config"/>.</summary>
    public EcsMachine(MachineConfig config) => Config = config;

    /// <inheritdoc/>
    public MachineConfig Config { get; }

    /// <inheritdoc/>
    public string EngineName => "ecs";

    /// <inheritdoc/>
    public Errno CreateProcess(string name) => throw new NotImplementedException();
    /// <inheritdoc/>
    public Errno Mmap(string proc, string vma, long pages, VmaKind kind, bool writable, bool thp) => throw new NotImplementedException();
    /// <inheritdoc/>
    public Errno Touch(string proc, string vma, PageRange range, Access access, ulong salt, out FaultCounts faults) => throw new NotImplementedException();
    /// <inheritdoc/>
    public Errno Fork(string proc, string child) => throw new NotImplementedException();
    /// <inheritdoc/>
    public Errno Pin(string proc, string vma, PageRange range, int every, bool take, out long pages) => throw new NotImplementedException();
    /// <inheritdoc/>
    public Errno Lock(string proc, string vma, PageRange range, int every, bool take, out long pages) => throw new NotImplementedException();
    /// <inheritdoc/>
    public Errno SwapOut(string proc, string vma, PageRange range, int every, out long swapped) => throw new NotImplementedException();
    /// <inheritdoc/>
    public Errno Mprotect(string proc, string vma, bool writable) => throw new NotImplementedException();
    /// <inheritdoc/>
    public Errno Munmap(string proc, string vma) => throw new NotImplementedException();
    /// <inheritdoc/>
    public Errno Migrate(MigrateRequest request, MigrateResult result) => throw new NotImplementedException();
    /// <inheritdoc/>
    public Errno Verify(string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, VerifyResult result) => throw new NotImplementedException();
    /// <inheritdoc/>
    public StatsResult Stats() => throw new NotImplementedException();
    /// <inheritdoc/>
    public CheckResult Check() => throw new NotImplementedException();
    /// <inheritdoc/>
    public void Inspect(string proc, string vma, long first, Span<PageView> dest) => throw new NotImplementedException();
    /// <inheritdoc/>
    public void Dispose() { }
}
