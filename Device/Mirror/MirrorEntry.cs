namespace HmmEcs.Device.Mirror;

/// <summary>
/// One entry of a device's mirror of a process page table (dmirror's xarray slot): the page it maps,
/// as the engine names it, and whether the device may write through it.
/// </summary>
public struct MirrorEntry
{
    /// <summary>The engine's identity of the mapped page (a page id or an allocation serial).</summary>
    public long Page;

    /// <summary>Free count of the page's frame when mapped: a frame freed since (and maybe reused) makes the entry stale.</summary>
    public uint Generation;

    /// <summary>0: no entry; <see cref="Read"/> or <see cref="Write"/>.</summary>
    public byte Access;

    /// <summary>A read-only entry.</summary>
    public const byte Read = 1;

    /// <summary>A writable entry (dmirror's WRITE tag).</summary>
    public const byte Write = 2;
}
