namespace HmmEcs.Systems.Machine;

/// <summary>
/// The <c>src</c>/<c>dst</c> entry encoding of mainline's three-call API, as Linux 6.19's <c>include/linux/migrate.h</c>
/// defines it: a pfn shifted by <see cref="Shift"/> and flag bits below it. Bit 2 (the former <c>MIGRATE_PFN_LOCKED</c>)
/// is unused since 5.17.
/// </summary>
/// <remarks>
/// A pfn is the machine's frame number: RAM frames <c>0..ram.pages-1</c>, then each device's pages in configuration
/// order (<see cref="MachineConfig.DevicePfnBase"/>). Both engines number them so.
/// </remarks>
public static class MigratePfn
{
    /// <summary><c>MIGRATE_PFN_VALID</c>: the entry holds a pfn.</summary>
    public const ulong Valid = 1UL << 0;

    /// <summary><c>MIGRATE_PFN_MIGRATE</c>: the page (or, without <see cref="Valid"/>, the hole) is being migrated.</summary>
    public const ulong Migrate = 1UL << 1;

    /// <summary><c>MIGRATE_PFN_WRITE</c>: the page was mapped writable.</summary>
    public const ulong Write = 1UL << 3;

    /// <summary>
    /// <c>MIGRATE_PFN_COMPOUND</c> (6.19): the slot is the head of a PMD-sized unit (a folio, or a hole the size of one) and
    /// the 511 slots after it are 0; in <c>dst</c>, a PMD-sized destination folio.
    /// </summary>
    public const ulong Compound = 1UL << 4;

    /// <summary><c>MIGRATE_PFN_SHIFT</c>: bits below the pfn.</summary>
    public const int Shift = 6;

    /// <summary><c>migrate_pfn(pfn)</c>: the entry of page <paramref name="pfn"/>, <see cref="Valid"/> set.</summary>
    public static ulong Of(long pfn) => ((ulong)pfn << Shift) | Valid;

    /// <summary><c>migrate_pfn_to_page</c>: the entry's pfn, or -1 when it is not <see cref="Valid"/>.</summary>
    public static long ToPfn(ulong entry) => (entry & Valid) == 0 ? -1 : (long)(entry >> Shift);
}
