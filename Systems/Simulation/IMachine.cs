using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Simulation;

/// <summary>
/// A simulated machine (RAM, devices, processes) that runs scenario steps. Two engines implement
/// it — the ECS pipeline and the scalar reference — and must give identical results for every step.
/// Names (processes, VMAs, devices) are validated by the scenario loader; an unknown name is a
/// programming error and throws. Every method that returns an <see cref="Errno"/> other than
/// <see cref="Errno.None"/> has changed nothing.
/// </summary>
public interface IMachine : IDisposable
{
    /// <summary>The configuration the machine was built from.</summary>
    MachineConfig Config { get; }

    /// <summary>Engine name as results print it: <c>ecs</c> or <c>reference</c>.</summary>
    string EngineName { get; }

    Errno CreateProcess(string name);

    Errno Mmap(string proc, string vma, long pages, VmaKind kind, bool writable, bool thp);

    Errno Touch(string proc, string vma, PageRange range, Access access, ulong salt, out FaultCounts faults);

    Errno Fork(string proc, string child);

    /// <summary><c>pin</c> (take true) / <c>unpin</c>: every <paramref name="every"/>-th page, faulted in as by a read touch.</summary>
    Errno Pin(string proc, string vma, PageRange range, int every, bool take, out long pages);

    /// <summary><c>lock</c> (take true) / <c>unlock</c>: another holder takes or releases the page lock.</summary>
    Errno Lock(string proc, string vma, PageRange range, int every, bool take, out long pages);

    Errno SwapOut(string proc, string vma, PageRange range, int every, out long swapped);

    Errno Mprotect(string proc, string vma, bool writable);

    Errno Munmap(string proc, string vma);

    /// <summary>The migration helper. Fills <paramref name="result"/>; EINVAL changes nothing and leaves it zero.</summary>
    Errno Migrate(MigrateRequest request, MigrateResult result);

    Errno Verify(string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, VerifyResult result);

    StatsResult Stats();

    CheckResult Check();

    /// <summary>Describes pages <c>first..first+dest.Length</c> of a VMA without faulting (for differential tests).</summary>
    void Inspect(string proc, string vma, long first, Span<PageView> dest);
}
