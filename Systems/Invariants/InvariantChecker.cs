using HmmEcs.Components.Memory;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Invariants;

/// <summary>
/// The invariant checker of docs/model.md: reference counts against the mappings found by walking
/// every live PTE and huge PMD, the reverse map, no migration state left over, LRU membership,
/// allocator counts, swap slot counts, and every mapped page's content against the shadow.
/// </summary>
internal static class InvariantChecker
{
    private const int MaxDetails = 50;

    public static CheckResult Run(MemoryManager mm)
    {
        var result = new CheckResult();
        var memory = mm.Memory;
        var mapped = new int[memory.TotalIds];
        var rmapSeen = new int[memory.TotalIds];
        var swapRefs = new int[mm.Swap.Capacity];
        foreach (var vma in mm.Vmas)
        {
            if (!vma.Alive)
            {
                continue;
            }
            var shadow = vma.Shadow;
            for (long i = 0; i < vma.Pages; i++)
            {
                CheckProtection(result, mm, vma, i);
                if (vma.HasHuge(i))
                {
                    var head = mm.HugeRef(vma, PageGeometry.PmdOf(i)).Head;
                    var id = head + PageGeometry.OffsetInPmd(i);
                    mapped[id]++;
                    // A huge PMD (a RAM THP or, under mainline, a device folio's PMD entry) maps one aligned folio whose
                    // pages are all compound and allocated, with no PTE beneath it.
                    ref readonly var sub = ref mm.PageRef((int)id);
                    if (mm.FolioHead(head) != head || (sub.Flags & (PageFlags.Compound | PageFlags.Allocated)) != (PageFlags.Compound | PageFlags.Allocated)
                        || mm.PteRef(vma.FirstPte + i).Kind != PteKind.None)
                    {
                        Add(result, $"{vma.Name}[{i}]: huge PMD over page {id}, which is not an allocated subpage of an aligned folio, or over a PTE");
                    }
                    ExpectContent(result, mm, vma, i, shadow.Expected(i));
                    continue;
                }
                ref var pte = ref mm.PteRef(vma.FirstPte + i);
                switch (pte.Kind)
                {
                    case PteKind.Migration:
                        Add(result, $"{vma.Name}[{i}]: migration entry survived");
                        mapped[pte.Target]++;
                        break;
                    case PteKind.Present:
                    case PteKind.DevicePrivate:
                        mapped[pte.Target]++;
                        var unaddressable = memory.Locate(pte.Target, out _).Has<Unaddressable>();
                        if (unaddressable != (pte.Kind == PteKind.DevicePrivate))
                        {
                            Add(result, $"{vma.Name}[{i}]: {pte.Kind} entry maps page {pte.Target} of the wrong kind");
                        }
                        ExpectContent(result, mm, vma, i, shadow.Expected(i));
                        break;
                    case PteKind.Swap:
                        swapRefs[pte.Target]++;
                        ExpectContent(result, mm, vma, i, shadow.Expected(i));
                        break;
                    case PteKind.Zero:
                        // The shared zero page: special (no page, so no reference), read-only, only in private anon
                        // VMAs of a machine with it, and reading zero: a write always replaced it with a page of its own.
                        if (pte.Target != -1 || pte.Writable || !mm.MapsZeroPage(vma))
                        {
                            Add(result, $"{vma.Name}[{i}]: zero-page entry target {pte.Target}, writable {pte.Writable}, in a VMA without the zero page {!mm.MapsZeroPage(vma)}");
                        }
                        if ((pte.Bits & PteBits.ZeroMigration) != 0)
                        {
                            Add(result, $"{vma.Name}[{i}]: migration entry to the zero page survived");
                        }
                        if ((pte.Bits & PteBits.ZeroNotSpecial) != 0)
                        {
                            Add(result, $"{vma.Name}[{i}]: zero page mapped without its special bit");
                        }
                        ExpectContent(result, mm, vma, i, shadow.Expected(i));
                        break;
                    case PteKind.None:
                        if (vma.File is not null)
                        {
                            ExpectContent(result, mm, vma, i, shadow.Expected(i));
                        }
                        break;
                }
            }
        }
        CheckPages(result, mm, mapped, rmapSeen);
        if (!mm.Zero.IsPristine)
        {
            var z = mm.Zero;
            Add(result, $"zero page: refcount {z.Refcount} (base 1), mapcount {z.Mapcount}, helper lock {z.HelperLocked}, on the LRU {z.OnLru}");
        }
        for (var s = 0; s < swapRefs.Length; s++)
        {
            var count = mm.Swap[s].Count;
            if (count != swapRefs[s])
            {
                Add(result, $"swap slot {s}: count {count}, referenced by {swapRefs[s]} entries");
            }
            CheckSwapCache(result, mm, s);
        }
        CheckTagCounts(result, mm);
        return result;
    }

    private static readonly QueryDescription AllPages = new QueryDescription().WithAll<Page>();

    /// <summary>
    /// Every page chunk's <c>Migrate</c> and <c>Locked</c> counts match their masks: the helper's phases write the mask
    /// words and counts themselves (64 rows a store, a large call's parts on several cores), and a count off by one would
    /// let a later phase skip or miscount pages in flight.
    /// </summary>
    private static void CheckTagCounts(CheckResult result, MemoryManager mm)
    {
        foreach (var chunk in mm.World.Query(AllPages))
        {
            if (!chunk.EnabledCountMatchesMask<Migrate>() || !chunk.EnabledCountMatchesMask<Locked>())
            {
                Add(result, $"a page chunk's Migrate count {chunk.EnabledCount<Migrate>()} or Locked count {chunk.EnabledCount<Locked>()} does not match its mask");
            }
        }
    }

    /// <summary>
    /// The swap cache at slot <paramref name="s"/>: its cached page is an allocated swap-cache page linked back to it,
    /// still reachable (mapped, or the slot still referenced) and clean (it holds the slot's content).
    /// </summary>
    private static void CheckSwapCache(CheckResult result, MemoryManager mm, int s)
    {
        ref var slot = ref mm.Swap[s];
        var id = slot.Cached;
        if (id < 0)
        {
            return;
        }
        ref var page = ref mm.PageRef(id);
        if (!mm.SwapCache || !page.Is(PageFlags.Allocated) || !page.Is(PageFlags.SwapCache)
            || !mm.SwapCacheSlots.TryGetValue(id, out var back) || back != s)
        {
            Add(result, $"swap slot {s}: caches page {id}, which is not its swap-cache page");
            return;
        }
        if (slot.Count == 0 && page.Mapcount == 0)
        {
            Add(result, $"swap slot {s}: cached page {id} is neither mapped nor reachable through a swap entry");
        }
        var onSwap = mm.Memory.BytesPayload ? mm.Memory.ContentOf(new PageContent { Payload = slot.Payload }) : slot.Content;
        if (mm.Memory.ContentOf(mm.ContentRef(id)) != onSwap)
        {
            Add(result, $"swap slot {s}: cached page {id} is dirty (content differs from the slot's)");
        }
    }

    private static void CheckPages(CheckResult result, MemoryManager mm, int[] mapped, int[] rmapSeen)
    {
        var memory = mm.Memory;
        long ramAllocated = 0;
        var devAllocated = new long[memory.Devices.Count];
        for (var id = 0; id < memory.TotalIds; id++)
        {
            var chunk = memory.Locate(id, out var row);
            ref var page = ref chunk.GetSpan<Page>()[row];
            var device = memory.DeviceOf(id);
            var allocated = page.Is(PageFlags.Allocated);
            var frameUsed = device < 0 ? memory.Ram.Frames.IsUsed(id) : memory.Devices[device].IsUsed(id - memory.Devices[device].FirstId);
            if (allocated != frameUsed)
            {
                Add(result, $"page {id}: allocated flag {allocated}, allocator says {frameUsed}");
            }
            if (chunk.IsEnabled<Migrate>(row))
            {
                Add(result, $"page {id}: Migrate tag survived");
            }
            if (chunk.IsEnabled<Locked>(row) != page.Is(PageFlags.LockedByOther))
            {
                Add(result, $"page {id}: lock bit {chunk.IsEnabled<Locked>(row)} but locked-by-other {page.Is(PageFlags.LockedByOther)}");
            }
            if (!allocated)
            {
                if (page.Is(PageFlags.Lru) || page.Refcount != 0 || mapped[id] != 0)
                {
                    Add(result, $"page {id}: free but lru={page.Is(PageFlags.Lru)} refcount={page.Refcount} mapped={mapped[id]}");
                }
                continue;
            }
            if (device < 0)
            {
                ramAllocated++;
            }
            else
            {
                devAllocated[device]++;
            }
            if (page.Mapcount != mapped[id])
            {
                Add(result, $"page {id}: mapcount {page.Mapcount}, mapped by {mapped[id]}");
            }
            var expectedRef = page.Mapcount + page.Pins + (page.Is(PageFlags.File) ? 1 : 0) + (page.Is(PageFlags.SwapCache) ? 1 : 0);
            if (page.Is(PageFlags.SwapCache) && (!mm.SwapCacheSlots.TryGetValue(id, out var cacheSlot) || mm.Swap[cacheSlot].Cached != id))
            {
                Add(result, $"page {id}: in the swap cache but no slot links back to it");
            }
            if (page.Refcount != expectedRef || page.Refcount < page.Mapcount || page.Refcount <= 0)
            {
                Add(result, $"page {id}: refcount {page.Refcount}, expected {expectedRef}");
            }
            var chain = 0;
            for (var g = page.RmapHead; g >= 0 && chain <= mapped[id] + 1; g = mm.PteRef(g).RmapNext)
            {
                if (mm.PteRef(g).Target != id)
                {
                    Add(result, $"page {id}: rmap holds PTE {g} that maps {mm.PteRef(g).Target}");
                    break;
                }
                chain++;
            }
            var hugeMapped = page.Is(PageFlags.Compound) ? -1 : mapped[id];
            if (hugeMapped >= 0 && chain != mapped[id])
            {
                Add(result, $"page {id}: rmap chain {chain}, mapped by {mapped[id]}");
            }
            var inUse = page.Mapcount > 0 || page.Is(PageFlags.File) || page.Is(PageFlags.SwapCache);
            var lruExpected = device < 0 && inUse;
            if (device >= 0 && page.Is(PageFlags.Lru))
            {
                Add(result, $"device page {id} on the LRU");
            }
            else if (lruExpected && !page.Is(PageFlags.Lru))
            {
                Add(result, $"page {id}: in use but off the LRU");
            }
        }
        if (ramAllocated != memory.Ram.Frames.Used)
        {
            Add(result, $"ram used {memory.Ram.Frames.Used}, live frames {ramAllocated}");
        }
        for (var d = 0; d < devAllocated.Length; d++)
        {
            var dev = memory.Devices[d];
            if (devAllocated[d] != dev.Used)
            {
                Add(result, $"device {dev.Spec.Name}: used {dev.Used}, live pages {devAllocated[d]}");
            }
            for (var c = 0; c < dev.ChunkCount; c++)
            {
                if (dev.ChunkFreeRecorded(mm.World, c) != dev.ChunkFree(c))
                {
                    Add(result, $"device {dev.Spec.Name} chunk {c}: entity records {dev.ChunkFreeRecorded(mm.World, c)} free, allocator {dev.ChunkFree(c)}");
                    break;
                }
            }
        }
        var migrating = mm.World.CountEntities(new QueryDescription().WithAll<Page, Migrate>());
        if (migrating != 0)
        {
            Add(result, $"{migrating} pages still tagged Migrate");
        }
    }

    private static void ExpectContent(CheckResult result, MemoryManager mm, VmaInfo vma, long i, ulong expected)
    {
        var view = mm.Read(vma, i);
        if (view.Content != expected)
        {
            Add(result, $"{vma.Name}[{i}]: content {view.Content:x}, expected {expected:x} ({view.Residence})");
        }
    }

    private static void Add(CheckResult result, string detail)
    {
        if (result.Details.Count < MaxDetails)
        {
            result.Details.Add(detail);
        }
        else if (result.Details.Count == MaxDetails)
        {
            result.Details.Add("... more violations not listed");
        }
    }

    /// <summary>A page outside every VMA (partial munmap) holds no entry; no entry is writable where its VMA lacks VM_WRITE.</summary>
    private static void CheckProtection(CheckResult result, MemoryManager mm, VmaInfo vma, long i)
    {
        var prot = vma.ProtAt(i);
        var huge = vma.HasHuge(i);
        ref var pte = ref mm.PteRef(vma.FirstPte + i);
        if (prot == PageProt.Unmapped && (huge || pte.Kind != PteKind.None))
        {
            Add(result, $"{vma.Name}[{i}]: entry at an unmapped address");
        }
        var writable = huge ? (mm.HugeRef(vma, PageGeometry.PmdOf(i)).Bits & PteBits.Write) != 0 : pte.Kind != PteKind.None && pte.Writable;
        if (writable && prot != PageProt.ReadWrite)
        {
            Add(result, $"{vma.Name}[{i}]: writable entry where the VMA is not writable");
        }
    }
}
