using HmmEcs.Components.Memory;

namespace HmmEcs.Systems.Kernel;

internal sealed partial class MemoryManager
{
    /// <summary>Swap-ins keep their page in the swap cache (<see cref="Machine.MachineConfig.SwapCache"/>).</summary>
    public bool SwapCache { get; init; }

    /// <summary>The swap slot of each swap-cache page, by page id (the slot links back through <see cref="SwapSlot.Cached"/>).</summary>
    public Dictionary<int, int> SwapCacheSlots { get; } = [];

    /// <summary>add_to_swap_cache: page <paramref name="id"/> becomes the cached page of <paramref name="slot"/>; the cache takes a reference.</summary>
    private void AddToSwapCache(int id, int slot)
    {
        Swap[slot].Cached = id;
        SwapCacheSlots[id] = slot;
        ref var page = ref PageRef(id);
        page.Flags |= PageFlags.SwapCache;
        page.Refcount++;
    }

    /// <summary>
    /// delete_from_swap_cache: unlinks page <paramref name="id"/> from its slot and drops the cache's reference; the slot
    /// goes when no swap entry references it (the page goes when nothing else holds it).
    /// </summary>
    public void DeleteFromSwapCache(int id)
    {
        var slotId = SwapCacheSlots[id];
        SwapCacheSlots.Remove(id);
        ref var slot = ref Swap[slotId];
        slot.Cached = -1;
        if (slot.Count == 0)
        {
            FreeSlot(slotId);
        }
        PageRef(id).Flags &= ~PageFlags.SwapCache;
        PutPage(id);
    }

    /// <summary>folio_migrate_mapping of a swap-cache page: the slot now caches <paramref name="newId"/> (the caller moves the flag and the reference).</summary>
    public void MoveSwapCachePage(int oldId, int newId)
    {
        var slotId = SwapCacheSlots[oldId];
        SwapCacheSlots.Remove(oldId);
        SwapCacheSlots[newId] = slotId;
        Swap[slotId].Cached = newId;
    }

    /// <summary>Whether a swap-cache page is still reachable through swap entries (a write must copy it, reuse_swap_page).</summary>
    public bool SwapShared(int id) =>
        (PageRef(id).Flags & PageFlags.SwapCache) != 0 && Swap[SwapCacheSlots[id]].Count > 0;

    /// <summary>
    /// free_swap_and_cache once the last user went: a swap-cache page neither mapped nor referenced by a swap entry
    /// leaves the cache (departs from the kernel, which leaves it to reclaim: nothing could find it again).
    /// </summary>
    private void TrimSwapCache(int id)
    {
        ref var page = ref PageRef(id);
        if ((page.Flags & PageFlags.SwapCache) != 0 && page.Mapcount == 0 && Swap[SwapCacheSlots[id]].Count == 0)
        {
            DeleteFromSwapCache(id);
        }
    }

    private void FreeSlot(int slotId)
    {
        ref var s = ref Swap[slotId];
        if (s.Payload >= 0)
        {
            Memory.Payloads.Release(s.Payload);
        }
        Swap.Free(slotId);
    }

    /// <summary>
    /// Swap-in with a swap cache (do_swap_page): the slot's cached page is mapped, or a new one is read and cached.
    /// A write fault on the only user takes it out of the cache and maps it writable (reuse_swap_page: dirtied, slot
    /// freed); otherwise it maps read-only and stays cached, and a write then copies it (the front's write-protect fault).
    /// </summary>
    private void SwapInCached(VmaInfo vma, long g, bool write)
    {
        ref var pte = ref PteRef(g);
        var slotId = pte.Target;
        var keep = pte.Bits & Components.Paging.PteBits.SoftDirty;
        ref var slot = ref Swap[slotId];
        var id = slot.Cached;
        if (id < 0)
        {
            id = NewRamPage(PageFlags.Anon);
            ref var content = ref ContentRef(id);
            content.Value = Memory.BytesPayload ? 0 : slot.Content;
            if (slot.Payload >= 0)
            {
                // The slot keeps its copy: the cached page is clean while both hold the same bytes.
                content.Payload = Memory.Payloads.Allocate();
                Memory.Payloads.Bytes(slot.Payload).CopyTo(Memory.Payloads.Bytes(content.Payload));
            }
            AddToSwapCache(id, slotId);
        }
        pte = new Components.Paging.Pte { Target = -1, RmapNext = -1 };
        MapPte(g, id, Components.Paging.PteKind.Present, keep);
        PutSwap(slotId);
        // The write-protect fault's rule: a page the helper holds is copied (2016's do_swap_page would sleep in lock_page),
        // and a migration entry this engine keeps in the mapcount is no mapping.
        if (write && vma.WritableAt(g - vma.FirstPte) && !WriteCopies(id))
        {
            DeleteFromSwapCache(id);
            PteRef(g).Bits |= Components.Paging.PteBits.Write;
        }
    }

    /// <summary>
    /// Frames a swap-in of <paramref name="slotId"/> takes: a page unless one is cached, and a copy for a write that will
    /// not be the page's only user.
    /// </summary>
    private int SwapInFrames(int slotId, bool write)
    {
        ref var slot = ref Swap[slotId];
        if (!SwapCache)
        {
            return 1;
        }
        var frames = slot.Cached < 0 ? 1 : 0;
        var sole = slot.Count == 1 && (slot.Cached < 0 || (!HelperHolds(slot.Cached)
            && (PageRef(slot.Cached).Mapcount == 0 || (EntriesOutliveLocks && !MappedMoreThan(slot.Cached, 0)))));
        return frames + (write && !sole ? 1 : 0);
    }
}
