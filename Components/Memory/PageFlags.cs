namespace HmmEcs.Components.Memory;

/// <summary>State bits of a page (the simulator's subset of <c>struct page</c> flags).</summary>
[Flags]
public enum PageFlags : ushort
{
    None = 0,
    /// <summary>The frame is allocated (RAM frame or device page handed out).</summary>
    Allocated = 1 << 0,
    /// <summary>On an LRU list (RAM pages that are mapped or cached).</summary>
    Lru = 1 << 1,
    /// <summary>Private anonymous memory.</summary>
    Anon = 1 << 2,
    /// <summary>A page-cache page of a file or shmem object.</summary>
    File = 1 << 3,
    /// <summary>Part of a compound (THP or hugetlb) page.</summary>
    Compound = 1 << 4,
    /// <summary>The lock is held by another holder (the scenario's <c>lock</c>), not by the helper.</summary>
    LockedByOther = 1 << 5,
    /// <summary>In the swap cache: its swap slot links back to it, and the cache holds one reference.</summary>
    SwapCache = 1 << 6,
}
