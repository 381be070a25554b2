namespace HmmEcs.Devices.Mirror;

/// <summary>
/// One entry of a device's mirror of a process page table (dmirror's xarray slot), 8 bytes: the page
/// it maps, as the engine names it, the page's free count when mapped, and whether the device may
/// write through it. The access shares a word with the free count so that a 1M-page mirror is 8 MB,
/// not 16 (a migrate maps every page it moved).
/// </summary>
public struct MirrorEntry
{
    /// <summary>The free count is kept modulo 2^30: an entry is wrongly live only if its frame was freed a multiple of 2^30 times since.</summary>
    public const uint GenerationMask = (1u << 30) - 1;

    /// <summary>A read-only entry.</summary>
    public const byte Read = 1;

    /// <summary>A writable entry (dmirror's WRITE tag).</summary>
    public const byte Write = 2;

    /// <summary>An entry mapping <paramref name="page"/> at free count <paramref name="generation"/> with <paramref name="access"/>, in one 8-byte store.</summary>
    public MirrorEntry(int page, uint generation, byte access)
    {
        Page = page;
        _generationAndAccess = ((generation & GenerationMask) << 2) | (access & 3u);
    }

    /// <summary>The engine's identity of the mapped page (a page id, unique across RAM and devices).</summary>
    public int Page;

    private uint _generationAndAccess;

    /// <summary>Free count of the page's frame when mapped (low 30 bits): a frame freed since (and maybe reused) makes the entry stale.</summary>
    public uint Generation
    {
        readonly get => _generationAndAccess >> 2;
        set => _generationAndAccess = ((value & GenerationMask) << 2) | (_generationAndAccess & 3);
    }

    /// <summary>0: no entry; <see cref="Read"/> or <see cref="Write"/>.</summary>
    public byte Access
    {
        readonly get => (byte)(_generationAndAccess & 3);
        set => _generationAndAccess = (_generationAndAccess & ~3u) | (value & 3u);
    }

    /// <summary>True when the entry names page <paramref name="page"/> as it is now, <paramref name="generation"/> being its current free count.</summary>
    public readonly bool Names(int page, uint generation) => Page == page && Generation == (generation & GenerationMask);
}
