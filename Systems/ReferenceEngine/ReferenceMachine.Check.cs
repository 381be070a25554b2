using HmmEcs.Components.Memory;
using HmmEcs.Components.Content;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>The invariant checker (docs/model.md "Invariants") over the whole machine.</summary>
public sealed partial class ReferenceMachine
{
    /// <inheritdoc/>
    public override CheckResult Check()
    {
        ThrowIfCallOpen("check");
        var result = new CheckResult();
        var details = result.Details;
        ClearSeen(_ramPages);
        foreach (var d in _devices)
        {
            ClearSeen(d.Pages);
        }
        foreach (var slot in _swapSlots)
        {
            slot.Seen = 0;
        }
        foreach (var p in _processOrder)
        {
            foreach (var v in p.Order)
            {
                CheckVma(v, details);
            }
        }
        long lru = 0;
        long pinned = 0;
        long locked = 0;
        var live = CheckPages(_ramPages, "ram", details, ref lru, ref pinned, ref locked);
        if (live != _ram.Used)
        {
            details.Add($"ram used {_ram.Used} but {live} live frames");
        }
        for (var d = 0; d < _devices.Length; d++)
        {
            var dev = _devices[d];
            live = CheckPages(dev.Pages, dev.Config.Name, details, ref lru, ref pinned, ref locked);
            if (live != dev.Allocator.Used)
            {
                details.Add($"{dev.Config.Name} used {dev.Allocator.Used} but {live} live device pages");
            }
        }
        if (lru != _lruCount)
        {
            details.Add($"LRU count {_lruCount} but {lru} pages on the LRU");
        }
        if (pinned != _pinnedPages || locked != _lockedPages)
        {
            details.Add($"pinned/locked counters {_pinnedPages}/{_lockedPages} but pages say {pinned}/{locked}");
        }
        if (_zeroRefCount != 1 || _zeroMapCount != 0 || _zeroLocked || _zeroOnLru)
        {
            details.Add($"zero page: refcount {_zeroRefCount} (base 1), mapcount {_zeroMapCount}, helper lock {_zeroLocked}, on the LRU {_zeroOnLru}");
        }
        foreach (var slot in _swapSlots)
        {
            if (slot.Count != slot.Seen || (slot.Count <= 0 && slot.Cache is null))
            {
                details.Add($"swap slot count {slot.Count} but {slot.Seen} swap entries reference it");
            }
            CheckSwapCache(slot, details);
        }
        return result.ForProfile(Config.Profile);
    }

    /// <summary>A slot's cached page links back, is still reachable (mapped, or the slot referenced) and clean.</summary>
    private void CheckSwapCache(RefSwapSlot slot, List<string> details)
    {
        if (slot.Cache is not { } page)
        {
            return;
        }
        if (!Config.SwapCache || !page.Allocated || !ReferenceEquals(page.SwapSlot, slot))
        {
            details.Add($"swap slot caches page {page.Frame}, which is not its swap-cache page");
            return;
        }
        if (slot.Count == 0 && page.MapCount == 0)
        {
            details.Add($"swap slot's cached page {page.Frame} is neither mapped nor reachable through a swap entry");
        }
        var clean = _bytes ? page.Bytes.AsSpan().SequenceEqual(slot.Bytes) : page.Stamp == slot.Stamp;
        if (!clean)
        {
            details.Add($"swap slot's cached page {page.Frame} is dirty (content differs from the slot's)");
        }
    }

    private static void ClearSeen(RefPage?[] pages)
    {
        foreach (var page in pages)
        {
            if (page is not null)
            {
                page.Seen = 0;
            }
        }
    }

    private void CheckVma(RefVma v, List<string> details)
    {
        var where = $"{v.Owner.Name}/{v.Name}";
        var ptes = v.Ptes;
        for (long i = 0; i < ptes.Length; i++)
        {
            ref var pte = ref ptes[i];
            var expected = v.Shadow[i];
            if (v.Prot[i] == PageProt.Unmapped && pte.Kind != PteKind.None)
            {
                details.Add($"{where}[{i}]: entry at an unmapped address");
            }
            switch (pte.Kind)
            {
                case PteKind.Migration:
                    details.Add($"{where}[{i}]: migration entry survived the step");
                    break;
                case PteKind.Present:
                case PteKind.DevicePrivate:
                    var page = pte.Page!;
                    if (!page.Allocated)
                    {
                        details.Add($"{where}[{i}]: maps free page {page.Frame}");
                        break;
                    }
                    page.Seen++;
                    if ((pte.Kind == PteKind.DevicePrivate) != page.Unaddressable)
                    {
                        details.Add($"{where}[{i}]: entry kind {pte.Kind} does not fit its page");
                    }
                    if (pte.Write && !v.WritableAt(i))
                    {
                        details.Add($"{where}[{i}]: writable entry in a read-only VMA");
                    }
                    if (!Holds(page, expected))
                    {
                        details.Add($"{where}[{i}]: content {ContentOf(page):x} but last written {expected:x}");
                    }
                    break;
                case PteKind.Swap:
                    var slot = pte.Slot!;
                    slot.Seen++;
                    if (_bytes ? !Stamp.Matches(expected, slot.Bytes) : slot.Stamp != expected)
                    {
                        details.Add($"{where}[{i}]: swap slot content differs from last written {expected:x}");
                    }
                    break;
                case PteKind.Zero:
                    // The shared zero page: no page, read-only, only where read faults map it, reading zero.
                    if (pte.Page is not null || pte.Slot is not null || pte.Write || !MapsZeroPage(v))
                    {
                        details.Add($"{where}[{i}]: zero-page entry with a page, a slot, the write bit or in a VMA without the zero page");
                    }
                    if (expected != 0)
                    {
                        details.Add($"{where}[{i}]: zero page but last written {expected:x}");
                    }
                    if (pte.ZeroMigration)
                    {
                        details.Add($"{where}[{i}]: migration entry to the zero page survived the step");
                    }
                    if (pte.ZeroNotSpecial)
                    {
                        details.Add($"{where}[{i}]: zero page mapped without its special bit");
                    }
                    break;
                default:
                    var cached = v.Cache?[i];
                    var content = cached is null ? 0 : ContentOf(cached);
                    if (content != expected)
                    {
                        details.Add($"{where}[{i}]: hole reads {content:x} but last written {expected:x}");
                    }
                    break;
            }
        }
        for (long r = 0; r < v.HugePmd.Length; r++)
        {
            if (!v.HugePmd[r])
            {
                continue;
            }
            var head = ptes[r * HugePages].Page?.Compound;
            for (var i = r * HugePages; i < Math.Min(v.Pages, (r + 1) * HugePages); i++)
            {
                // A device-private folio's PMD entry (mainline) describes its subpages as device-private entries.
                if (ptes[i].Kind is not (PteKind.Present or PteKind.DevicePrivate) || head is null || ptes[i].Page!.Compound != head
                    || ptes[i].Page!.Frame != head.HeadFrame + (i - r * HugePages))
                {
                    details.Add($"{where}[{i}]: huge PMD over an entry that is not its compound page");
                    break;
                }
            }
        }
    }

    private long CheckPages(RefPage?[] pages, string name, List<string> details, ref long lru, ref long pinned, ref long locked)
    {
        long live = 0;
        foreach (var page in pages)
        {
            if (page is null)
            {
                continue;
            }
            if (page.OnLru)
            {
                lru++;
            }
            if (!page.Allocated)
            {
                if (page.OnLru)
                {
                    details.Add($"{name} page {page.Frame}: free but on the LRU");
                }
                continue;
            }
            live++;
            pinned += page.Pins > 0 ? 1 : 0;
            locked += page.LockedByOther ? 1 : 0;
            var at = $"{name} page {page.Frame}";
            if (page.MapCount != page.Seen)
            {
                details.Add($"{at}: mapcount {page.MapCount} but {page.Seen} entries map it");
            }
            var expectedRefs = page.MapCount + page.Pins + (page.Cached ? 1 : 0) + (page.SwapSlot is not null ? 1 : 0);
            if (page.SwapSlot is { } cacheSlot && (!ReferenceEquals(cacheSlot.Cache, page) || !_swapSlots.Contains(cacheSlot)))
            {
                details.Add($"{at}: in the swap cache of a slot that does not cache it");
            }
            if (page.RefCount != expectedRefs)
            {
                details.Add($"{at}: refcount {page.RefCount} but mapcount + pins + cache = {expectedRefs}");
            }
            if (page.HelperLocked)
            {
                details.Add($"{at}: the helper's lock survived the step");
            }
            var inUse = page.MapCount > 0 || page.Cached || page.SwapSlot is not null;
            if (page.Device < 0 && inUse && !page.OnLru)
            {
                details.Add($"{at}: mapped or cached but not on the LRU");
            }
            if (page.Device >= 0 && page.OnLru)
            {
                details.Add($"{at}: device page on the LRU");
            }
            if (page.Cached && (page.Mapping?.Cache is not { } cache || !ReferenceEquals(cache[page.Index], page)))
            {
                details.Add($"{at}: marked cached but not in its page cache");
            }
            if (page.RefCount == 0)
            {
                details.Add($"{at}: allocated with no reference");
            }
        }
        return live;
    }
}
