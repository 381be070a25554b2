namespace HmmEcs.Components.Paging;

/// <summary>Permission and tracking bits an entry keeps across conversions.</summary>
[Flags]
public enum PteBits : byte
{
    None = 0,
    Write = 1 << 0,
    SoftDirty = 1 << 1,
    /// <summary>
    /// On a <see cref="PteKind.Zero"/> entry, <c>v13-as-posted</c> only: a migration entry naming the zero page, which
    /// collect made and no pass restored (docs/v13-as-posted.md §6, <c>zero-page-entry-stranded</c>).
    /// </summary>
    ZeroMigration = 1 << 2,
    /// <summary>
    /// On a <see cref="PteKind.Zero"/> entry, <c>v13-as-posted</c> only: a present PTE to the zero page rebuilt without
    /// the special bit (<c>zero-page-lost-special</c>): counted in the zero page's mapcount.
    /// </summary>
    ZeroNotSpecial = 1 << 3,
}
