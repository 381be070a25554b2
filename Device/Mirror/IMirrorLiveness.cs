namespace HmmEcs.Devices.Mirror;

/// <summary>
/// An engine's test of whether a mirror entry is still live: it names the page the CPU page table maps at
/// <c>page</c> now (same identity, not freed since) with at least the entry's permission. A struct
/// implements it, so <see cref="MirrorTable.CountLive{TLiveness}"/> inlines the call.
/// </summary>
public interface IMirrorLiveness
{
    /// <summary>True when <paramref name="entry"/>, the entry of VMA page <paramref name="page"/>, is live.</summary>
    bool IsLive(long page, in MirrorEntry entry);
}
