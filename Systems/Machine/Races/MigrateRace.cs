namespace HmmEcs.Systems.Machine.Races;

/// <summary>What a racing actor does (docs/scenarios.md "Races").</summary>
public enum RaceOp
{
    /// <summary>A CPU access to a range (a thread of the process faulting).</summary>
    Touch,

    /// <summary>get_user_pages: one extra reference on each page, faulted in as by a read.</summary>
    Pin,

    /// <summary>munmap of a VMA of the migrating process (it needs the mmap lock the call holds).</summary>
    Munmap,

    /// <summary>fork of the migrating process (it needs the mmap lock the call holds).</summary>
    Fork,

    /// <summary>A second migrate by another driver over at most <see cref="MigrateRace.MaxMigratePages"/> pages.</summary>
    Migrate,
}

/// <summary>
/// One racing operation of a <c>migrate</c> step: another actor's <see cref="Op"/> run at boundary <see cref="At"/>
/// of the call. <see cref="Access"/> and <see cref="Salt"/> are <c>touch</c>'s, <see cref="Child"/> is <c>fork</c>'s,
/// <see cref="To"/> is <c>migrate</c>'s; the range is that of <c>touch</c>, <c>pin</c> and <c>migrate</c>.
/// </summary>
public sealed record MigrateRace(RaceBoundary At, RaceOp Op, string Proc, string? Vma = null, PageRange Range = default,
    Access Access = Access.Read, ulong Salt = 0, string? Child = null, string? To = null)
{
    /// <summary>
    /// A racing migrate covers at most this many pages: the ECS engine runs it on its per-slot path, which keeps the
    /// racing call's pages apart from the call in flight (both use the same <c>Migrate</c> bits).
    /// </summary>
    public const int MaxMigratePages = 1024;

    /// <summary>The op names in scenario files, in <see cref="RaceOp"/> order.</summary>
    public static IReadOnlyList<string> OpNames { get; } = ["touch", "pin", "munmap", "fork", "migrate"];
}
