using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;

namespace HmmEcs.Devices.Driver;

/// <summary>
/// The seed's <c>struct hmm_migrate_ops</c>: the driver's two callbacks, each called once per
/// migration with the per-page arrays. A simulator departure: v13 used one array for sources and
/// destinations; we pass two (as mainline 4.14 did) so restore never loses the source.
/// </summary>
public interface IMigrateOps
{
    /// <summary>
    /// For every <paramref name="src"/> entry with <see cref="HmmPfn.Migrate"/>: store a locked destination
    /// in <paramref name="dst"/> (<c>MIGRATE|LOCKED</c>) and copy the content, or clear MIGRATE in
    /// <paramref name="src"/> to give the page up.
    /// </summary>
    /// <returns>What the copy engine charged for the copies made.</returns>
    /// <remarks>Departure: the seed's callback returns nothing; the simulator's returns the copy cost the step reports.</remarks>
    CopyCost AllocAndCopy(in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst);

    /// <summary>
    /// After struct-page migration: entries whose source lost MIGRATE must drop (free) their destination. Departs from
    /// the 2016 code, whose callback only notified; not called when alloc_and_copy was not (no page left to migrate).
    /// </summary>
    void FinalizeAndMap(in MigrateWindow window, ReadOnlySpan<HmmPfn> src, Span<HmmPfn> dst);
}
