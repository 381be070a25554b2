namespace HmmEcs.Devices.Mirror;

/// <summary>
/// The mirror entries of one VMA, per device (allocated on a device's first access). An entry is
/// live while the CPU page table still maps the same page (same identity and generation) with at
/// least the entry's permission; the engines check that lazily, which stands for the invalidation
/// callbacks of every operation that changes a page's mapping (migration, COW copy, swap-out,
/// fault-back, eviction). Operations that invalidate without changing the page (munmap, mprotect,
/// fork's write-protect) clear the table explicitly.
/// </summary>
public sealed class MirrorTable
{
    private readonly MirrorEntry[]?[] _byDevice;
    private readonly long _pages;

    /// <summary>An empty table for a VMA of <paramref name="pages"/> pages on a machine of <paramref name="devices"/> devices.</summary>
    public MirrorTable(int devices, long pages)
    {
        _byDevice = new MirrorEntry[]?[devices];
        _pages = pages;
    }

    /// <summary>Entries of <paramref name="device"/>, created empty on first use.</summary>
    public MirrorEntry[] For(int device) => _byDevice[device] ??= new MirrorEntry[_pages];

    /// <summary>Entries of <paramref name="device"/>, or null when it never mirrored this VMA.</summary>
    public MirrorEntry[]? Existing(int device) => _byDevice[device];

    /// <summary>Live entries of <paramref name="device"/> (stats <c>devices.NAME.mirrored</c>); the engine says which are live.</summary>
    public long CountLive<TLiveness>(int device, TLiveness liveness)
        where TLiveness : struct, IMirrorLiveness
    {
        if (_byDevice[device] is not { } entries)
        {
            return 0;
        }
        long live = 0;
        for (long i = 0; i < entries.Length; i++)
        {
            live += liveness.IsLive(i, entries[i]) ? 1 : 0;
        }
        return live;
    }

    /// <summary>Drops every device's entries for <c>[first, first + count)</c> (an invalidation of part of the VMA).</summary>
    public void ClearRange(long first, long count)
    {
        foreach (var entries in _byDevice)
        {
            if (entries is not null)
            {
                Array.Clear(entries, checked((int)first), checked((int)count));
            }
        }
    }

    /// <summary>Drops every entry of every device (an invalidation of the whole VMA).</summary>
    public void Clear()
    {
        for (var d = 0; d < _byDevice.Length; d++)
        {
            _byDevice[d] = null;
        }
    }
}
