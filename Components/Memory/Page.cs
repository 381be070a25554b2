namespace HmmEcs.Components.Memory;

/// <summary>
/// The page component (<c>struct page</c>), 16 bytes: every RAM frame and every device page has one
/// from the start. Counts follow the model: refcount = mapcount + pins + (page cache ? 1 : 0).
/// The page's content lives beside it in <see cref="PageContent"/>, a column of the same archetype:
/// the migration phases stream over these hot rows without the content they never read, and the
/// copy engine streams over the content column alone.
/// A page-cache page carries <see cref="PageFlags.File"/>; which cache slot it fills is kept beside
/// the page (file pages are few), and the request slot of a migrating page is found through its
/// reverse map, which keeps the component small (the scale target is 128 bytes per simulated page).
/// </summary>
public struct Page
{
    /// <summary>References: mappings, pins and the page cache's.</summary>
    public int Refcount;
    /// <summary>PTEs (huge PMD: one per subpage) that map the page.</summary>
    public int Mapcount;
    /// <summary>First PTE of the reverse map (a global PTE number), -1 when no PTE maps it.</summary>
    public int RmapHead;
    /// <summary>Extra references taken by get_user_pages.</summary>
    public short Pins;
    /// <summary>State bits.</summary>
    public PageFlags Flags;

    /// <summary>A free page: no references (its <see cref="PageContent"/> is reset beside it).</summary>
    public static Page Free
    {
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        get => new() { RmapHead = -1 };
    }

    /// <summary>True when <paramref name="flag"/> is set.</summary>
    public readonly bool Is(PageFlags flag) => (Flags & flag) != 0;
}
