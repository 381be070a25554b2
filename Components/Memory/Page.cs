namespace HmmEcs.Components.Memory;

/// <summary>
/// The page component (<c>struct page</c>): every RAM frame and every device page has one from the
/// start. Counts follow the model: refcount = mapcount + pins + (page cache ? 1 : 0).
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
    /// <summary>The 64-bit content stamp (token payload mode).</summary>
    public ulong Content;
    /// <summary>Byte payload slot (bytes payload mode), -1 when the page reads as zero.</summary>
    public int Payload;
    /// <summary>File (page cache) the page belongs to, -1 for anonymous memory.</summary>
    public int File;
    /// <summary>Page index in its file.</summary>
    public int FileIndex;
    /// <summary>Extra references taken by get_user_pages.</summary>
    public short Pins;
    /// <summary>State bits.</summary>
    public PageFlags Flags;

    /// <summary>A free page: no references, no content.</summary>
    public static Page Free => new() { RmapHead = -1, Payload = -1, File = -1, Slot = -1 };

    /// <summary>True when <paramref name="flag"/> is set.</summary>
    public readonly bool Is(PageFlags flag) => (Flags & flag) != 0;
}
