using HmmEcs.Components.Memory;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ScenarioLanguage.Model;

/// <summary>
/// One step of a scenario. <see cref="Op"/> is the name results print; <see cref="Path"/> is where the
/// step sits in the file (<c>steps[3]</c>, <c>steps[2].steps[0]</c>); <see cref="Expect"/> the checks
/// on its own result.
/// </summary>
public abstract record ScenarioStep(string Op, string Path, IReadOnlyList<Expectation> Expect);

/// <summary><c>process</c>: a new empty address space.</summary>
public sealed record ProcessStep(string Path, IReadOnlyList<Expectation> Expect, string Name)
    : ScenarioStep("process", Path, Expect);

/// <summary><c>mmap</c>: a new VMA, nothing populated.</summary>
public sealed record MmapStep(string Path, IReadOnlyList<Expectation> Expect, string Proc, string Vma, long Pages, VmaKind Kind, bool Writable, bool Thp)
    : ScenarioStep("mmap", Path, Expect);

/// <summary><c>touch</c>: CPU access to each page of a range.</summary>
public sealed record TouchStep(string Path, IReadOnlyList<Expectation> Expect, string Proc, string Vma, PageRange Range, Access Access, ulong Salt)
    : ScenarioStep("touch", Path, Expect);

/// <summary><c>fork</c>: a child with the same VMAs.</summary>
public sealed record ForkStep(string Path, IReadOnlyList<Expectation> Expect, string Proc, string Child)
    : ScenarioStep("fork", Path, Expect);

/// <summary><c>pin</c>/<c>unpin</c> (<see cref="Take"/> true/false).</summary>
public sealed record PinStep(string Op, string Path, IReadOnlyList<Expectation> Expect, string Proc, string Vma, PageRange Range, int Every, bool Take)
    : ScenarioStep(Op, Path, Expect)
{
    /// <summary><c>longterm</c> (mainline): <c>FOLL_LONGTERM</c>, which migrates device-coherent pages to RAM before pinning.</summary>
    public bool Longterm { get; init; }
}

/// <summary><c>lock</c>/<c>unlock</c> (<see cref="Take"/> true/false).</summary>
public sealed record LockStep(string Op, string Path, IReadOnlyList<Expectation> Expect, string Proc, string Vma, PageRange Range, int Every, bool Take)
    : ScenarioStep(Op, Path, Expect);

/// <summary><c>swapout</c>: selected private anon RAM pages go to swap.</summary>
public sealed record SwapOutStep(string Path, IReadOnlyList<Expectation> Expect, string Proc, string Vma, PageRange Range, int Every)
    : ScenarioStep("swapout", Path, Expect);

/// <summary><c>mprotect</c>: changes the VMA's protection.</summary>
public sealed record MprotectStep(string Path, IReadOnlyList<Expectation> Expect, string Proc, string Vma, bool Writable)
    : ScenarioStep("mprotect", Path, Expect);

/// <summary><c>munmap</c>: removes the VMA.</summary>
public sealed record MunmapStep(string Path, IReadOnlyList<Expectation> Expect, string Proc, string Vma)
    : ScenarioStep("munmap", Path, Expect);

/// <summary><c>migrate</c>: the migration helper over a range, to a device or <c>ram</c>.</summary>
public sealed record MigrateStep(string Path, IReadOnlyList<Expectation> Expect, MigrateRequest Request)
    : ScenarioStep("migrate", Path, Expect);

/// <summary><c>verify</c>: reads content without faulting anything in.</summary>
public sealed record VerifyStep(string Path, IReadOnlyList<Expectation> Expect, string Proc, string Vma, PageRange Range, VerifyPattern Pattern, ulong Salt)
    : ScenarioStep("verify", Path, Expect);

/// <summary><c>stats</c>: RAM and device usage, pinned and locked counts.</summary>
public sealed record StatsStep(string Path, IReadOnlyList<Expectation> Expect)
    : ScenarioStep("stats", Path, Expect);

/// <summary><c>check</c>: runs the invariant checker.</summary>
public sealed record CheckStep(string Path, IReadOnlyList<Expectation> Expect)
    : ScenarioStep("check", Path, Expect);

/// <summary><c>repeat</c>: runs <see cref="Body"/> <see cref="Times"/> times. It has no result of its own.</summary>
public sealed record RepeatStep(string Path, int Times, IReadOnlyList<ScenarioStep> Body)
    : ScenarioStep("repeat", Path, []);

/// <summary><c>workload</c>: a device runs an access stream over a range; its faults are serviced through the helper.</summary>
public sealed record WorkloadStep(string Path, IReadOnlyList<Expectation> Expect, WorkloadRequest Request)
    : ScenarioStep("workload", Path, Expect);

/// <summary>
/// A device mirror op (<c>device-read</c>, <c>device-write</c>, <c>snapshot</c>, <c>evict</c>): the device reads,
/// writes or snapshots a range through its mirror of the process's page table, or gives all its pages back to RAM
/// (<see cref="IMachine.DeviceRead"/> and the calls beside it). <see cref="Proc"/> and <see cref="Vma"/> are null for <c>evict</c>.
/// </summary>
public sealed record DeviceMirrorStep(string Op, string Path, IReadOnlyList<Expectation> Expect, string Device, string? Proc, string? Vma, PageRange Range, VerifyPattern Pattern, ulong Salt)
    : ScenarioStep(Op, Path, Expect);
