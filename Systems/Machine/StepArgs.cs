namespace HmmEcs.Systems.Machine;

/// <summary>CPU access of a <c>touch</c>.</summary>
public enum Access { Read, Write }

/// <summary>Expected content of a <c>verify</c>.</summary>
public enum VerifyPattern { Seq, Zero }

/// <summary>
/// A VMA-relative page range. <see cref="Count"/> null means "to the VMA's end".
/// Whether it fits the VMA is checked when the step runs (EINVAL / EFAULT).
/// </summary>
public readonly record struct PageRange(long First = 0, long? Count = null)
{
    /// <summary>The whole VMA.</summary>
    public static PageRange All => new(0, null);

    /// <summary>Resolves against a VMA of <paramref name="vmaPages"/> pages; false when the range is empty or reaches past it.</summary>
    public bool TryResolve(long vmaPages, out long first, out long count)
    {
        first = First;
        count = Count ?? (vmaPages - First);
        // Compared without First + count, which wraps for counts near long.MaxValue.
        return First >= 0 && First <= vmaPages && count >= 1 && count <= vmaPages - First;
    }
}

/// <summary>
/// Simulator-only fault injection for a <c>migrate</c> step (docs/scenarios.md <c>inject</c>):
/// every <c>k</c>-th page of the range (offsets 0, k, 2k… from <c>first</c>) that is still
/// migrating when the phase runs fails there. 0 means never. These make the reasons that the
/// kernel reaches only under races (<c>isolate</c>, <c>unmap</c>, <c>migrate-page</c>) reachable.
/// </summary>
public readonly record struct FailureInjection(int IsolateEvery = 0, int UnmapEvery = 0, int MigratePageEvery = 0)
{
    /// <summary>True when nothing is injected.</summary>
    public bool IsEmpty => IsolateEvery == 0 && UnmapEvery == 0 && MigratePageEvery == 0;
}

/// <summary>The names a migrate target takes besides the devices'.</summary>
public static class MigrateTargets
{
    /// <summary>System RAM as a migrate target (<c>to: "ram"</c>); no device may take this name.</summary>
    public const string Ram = "ram";
}

/// <summary>
/// Arguments of one <c>migrate</c> step: the range and the target (a device name or <c>"ram"</c>); under the
/// <c>mainline</c> profile also <see cref="Select"/> and <see cref="Owner"/> (a device name whose owner is the call's
/// <c>pgmap_owner</c>), null for the defaults (docs/model.md "mainline"). Other profiles refuse both (EINVAL).
/// <see cref="Races"/> are other actors' operations run at named boundaries of the call (docs/scenarios.md "Races").
/// </summary>
public sealed record MigrateRequest(string Proc, string Vma, PageRange Range, string To, FailureInjection Inject = default,
    MigrateSelect? Select = null, string? Owner = null, IReadOnlyList<Races.MigrateRace>? Races = null);
