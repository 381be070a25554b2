namespace HmmEcs.Components.Memory;

/// <summary>
/// The page component (<c>struct page</c>), 32 bytes: every RAM frame and every device page has one
/// from the start. Counts follow the model: refcount = mapcount + pins + (page cache ? 1 : 0).
/// </summary>
public struct Page
{
    /// <summary>References: mappings, pins and the page cache's.</summary>
    public int Refcount;
    /// <summary>PTEs (huge PMD: one per subpage) that map the page.</summary>
    public int Mapcount;
    /// <summary>First PTE of the reverse map (a global PTE number), -1 when no PTE maps it.</summary>
    public int RmapHead;
    /// <summary>Index of the page's slot in the migration request that holds it (valid while tagged <c>Migrate</c>).</summary>
    public int Slot;
    /// <summary>Content: the 64-bit stamp in token mode; in bytes mode the payload slot + 1 (0: reads as zero).</summary>
    public ulong Content;
    /// <summary>Page-cache slot (file base + page index) of a file or shmem page, -1 for anonymous memory.</summary>
    public int Cache;
    /// <summary>Extra references taken by get_user_pages.</summary>
    public short Pins;
    /// <summary>State bits.</summary>
    public PageFlags Flags;

    /// <summary>A free page: no references, no content.</summary>
    public static Page Free => new() { RmapHead = -1, Cache = -1, Slot = -1 };

    /// <summary>Bytes mode: the payload slot, -1 when the page reads as zero.</summary>
    public int Payload
    {
        readonly get => (int)Content - 1;
        set => Content = (ulong)(value + 1);
    }

    /// <summary>True when <paramref name="flag"/> is set.</summary>
    public readonly bool Is(PageFlags flag) => (Flags & flag) != 0;
}
