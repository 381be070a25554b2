namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>
/// One struct page of the reference machine: a RAM frame or a device page. Objects live for the
/// machine's life (like the kernel's mem_map); allocation and freeing change their state.
/// </summary>
internal sealed class RefPage
{
    public RefPage(int device, long frame, bool unaddressable)
    {
        Device = device;
        Frame = frame;
        Unaddressable = unaddressable;
    }

    /// <summary>Device index, or -1 for a RAM frame.</summary>
    public int Device { get; }

    /// <summary>RAM frame number or device page number.</summary>
    public long Frame { get; }

    /// <summary>A device-private page: the CPU cannot map it and reaches it through a device entry.</summary>
    public bool Unaddressable { get; }

    public bool Allocated;

    /// <summary>Times this frame was freed: a device mirror entry taken before a free is stale.</summary>
    public uint Generation;

    /// <summary>Kept by every operation that takes or drops a reference; the checker compares it with its parts.</summary>
    public int RefCount;

    /// <summary>PTEs (and device-private entries) that map this page; a huge PMD counts once per subpage.</summary>
    public int MapCount;

    public int Pins;

    /// <summary>Held by its file's page cache (file and shared-anon pages).</summary>
    public bool Cached;

    /// <summary>The swap slot this page is the swap-cache page of (the cache holds one reference), or null.</summary>
    public RefSwapSlot? SwapSlot;

    /// <summary>Page lock held by another holder (the <c>lock</c> op).</summary>
    public bool LockedByOther;

    /// <summary>Page lock held by the migration helper during a step.</summary>
    public bool HelperLocked;

    public bool OnLru;

    /// <summary>The reverse map: the anon family or file whose VMAs may map this page at <see cref="Index"/>.</summary>
    public RefMapping? Mapping;

    /// <summary>VMA-relative page index (the same in every VMA of <see cref="Mapping"/>).</summary>
    public long Index;

    public RefCompound? Compound;

    /// <summary>Token mode content (bytes mode keeps it in <see cref="Bytes"/>).</summary>
    public ulong Stamp;

    public byte[]? Bytes;

    /// <summary>Scratch of the invariant checker.</summary>
    public int Seen;
}

/// <summary>A 512-page compound page (THP or hugetlb); its subpages point at it. It never splits, but each subpage is freed on its own.</summary>
internal sealed class RefCompound(long headFrame)
{
    public long HeadFrame { get; } = headFrame;
}

/// <summary>A swap slot: the content, the count of swap entries that reference it and the page cached for it.</summary>
internal sealed class RefSwapSlot
{
    public int Count;

    /// <summary>The swap-cache page of this slot (machines with <c>ram.swapCache</c>); the slot lives while it is set.</summary>
    public RefPage? Cache;

    public ulong Stamp;
    public byte[]? Bytes;
    public int Seen;
}
