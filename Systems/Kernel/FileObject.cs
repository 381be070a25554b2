namespace HmmEcs.Systems.Kernel;

/// <summary>A file or shmem object: its page cache (page ids, -1 for a hole) and the content last written to each page.</summary>
internal sealed class FileObject(int id, int cacheBase, long pages)
{
    public int Id { get; } = id;
    /// <summary>Page-cache slot of page 0 (slots are numbered machine-wide so a page names its cache entry in one int).</summary>
    public int Base { get; } = cacheBase;
    public int[] Cache { get; } = NewCache(pages);
    public ContentShadow Shadow { get; } = new();
    /// <summary>VMAs mapping the file; at 0 the page cache is released.</summary>
    public int Mappers { get; set; }

    private static int[] NewCache(long pages)
    {
        var c = new int[pages];
        Array.Fill(c, -1);
        return c;
    }
}
