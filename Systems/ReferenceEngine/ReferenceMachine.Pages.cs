using HmmEcs.Components.Content;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>Page allocation, references, LRU and content.</summary>
public sealed partial class ReferenceMachine
{
    /// <summary>A new zero RAM page at the lowest free frame, or null when RAM is full.</summary>
    private RefPage? TryNewRamPage()
    {
        var frame = _ram.AllocLowest();
        return frame < 0 ? null : TakeRamFrame(frame);
    }

    private RefPage NewRamPage() =>
        TryNewRamPage() ?? throw new InvalidOperationException("RAM exhausted after the prepass said it would fit");

    /// <summary>A new zero compound page at the lowest free 512-aligned run; false when there is none.</summary>
    private bool TryNewHugePage(out long head)
    {
        head = _ram.AllocBlock();
        if (head < 0)
        {
            return false;
        }
        var compound = new RefCompound(head);
        for (var f = head; f < head + HugePages; f++)
        {
            TakeRamFrame(f).Compound = compound;
        }
        return true;
    }

    private RefPage TakeRamFrame(long frame)
    {
        var page = _ramPages[frame] ??= new RefPage(-1, frame, false);
        Reset(page);
        return page;
    }

    /// <summary>A new zero page of a device at <paramref name="frame"/> (already taken from its allocator).</summary>
    private RefPage TakeDevicePage(int device, long frame)
    {
        var page = _devices[device].Pages[frame] ??= new RefPage(device, frame, !_devices[device].Config.Addressable);
        Reset(page);
        return page;
    }

    private void Reset(RefPage page)
    {
        page.Allocated = true;
        page.RefCount = 0;
        page.MapCount = 0;
        page.Pins = 0;
        page.Cached = false;
        page.SwapSlot = null;
        page.LockedByOther = false;
        page.HelperLocked = false;
        page.OnLru = false;
        page.Mapping = null;
        page.Index = 0;
        page.Compound = null;
        page.Stamp = 0;
        if (_bytes)
        {
            page.Bytes = RentZeroBuffer();
        }
    }

    private byte[] RentZeroBuffer()
    {
        if (_freeBuffers.TryPop(out var b))
        {
            Array.Clear(b);
            return b;
        }
        return new byte[Stamp.PageBytes];
    }

    private void ReturnBuffer(byte[]? b)
    {
        if (b is not null)
        {
            _freeBuffers.Push(b);
        }
    }

    /// <summary>Gives a page with no references back to RAM or to its device (the device's free callback).</summary>
    private void FreePage(RefPage page)
    {
        if (!page.Allocated)
        {
            throw new InvalidOperationException($"page {page.Frame} freed twice");
        }
        SetLru(page, false);
        if (page.LockedByOther)
        {
            _lockedPages--;
            page.LockedByOther = false;
        }
        page.Allocated = false;
        page.Generation++;
        page.Mapping = null;
        page.Compound = null;
        page.Stamp = 0;
        ReturnBuffer(page.Bytes);
        page.Bytes = null;
        if (page.Device < 0)
        {
            _ram.Release(page.Frame);
        }
        else
        {
            _devices[page.Device].Allocator.Release(page.Frame);
        }
    }

    private void SetLru(RefPage page, bool on)
    {
        if (page.OnLru != on)
        {
            page.OnLru = on;
            _lruCount += on ? 1 : -1;
        }
    }

    private static void AddRef(RefPage page) => page.RefCount++;

    /// <summary>Drops one reference; the page is freed at zero.</summary>
    private void DropRef(RefPage page)
    {
        page.RefCount--;
        if (page.RefCount < 0)
        {
            throw new InvalidOperationException($"negative refcount on page {page.Frame}");
        }
        if (page.RefCount == 0 && !KeptUnderMigrationEntry(page))
        {
            // Departs from the kernel, which frees a folio whole: each subpage of a compound page is freed on its own.
            FreePage(page);
        }
    }

    private static void AddMap(RefPage page)
    {
        page.MapCount++;
        AddRef(page);
    }

    /// <summary>Unmaps a page; a swap-cache page nothing can find any more leaves the cache.</summary>
    private void RemoveMap(RefPage page)
    {
        page.MapCount--;
        // A page the helper holds is still found through its migration entries (the ECS engine counts them as mappings).
        if (page is { MapCount: 0, SwapSlot.Count: 0, HelperLocked: false })
        {
            LeaveSwapCache(page);
        }
        DropRef(page);
    }

    /// <summary>Drops a swap entry's reference; the slot goes with the last one unless a page is cached for it.</summary>
    private void DropSlot(RefSwapSlot slot)
    {
        if (--slot.Count > 0)
        {
            return;
        }
        if (slot.Cache is { } cached)
        {
            if (cached is { MapCount: 0, HelperLocked: false })
            {
                LeaveSwapCache(cached);
            }
            return;
        }
        FreeSlot(slot);
    }

    private void FreeSlot(RefSwapSlot slot)
    {
        _swapSlots.Remove(slot);
        ReturnBuffer(slot.Bytes);
        slot.Bytes = null;
    }

    /// <summary>Takes a page out of the swap cache: the slot forgets it (and goes if no entry is left), the cache's reference drops.</summary>
    private void LeaveSwapCache(RefPage page)
    {
        var slot = page.SwapSlot!;
        slot.Cache = null;
        page.SwapSlot = null;
        if (slot.Count == 0)
        {
            FreeSlot(slot);
        }
        DropRef(page);
    }

    /// <summary>A swap-cache page that swap entries still reach: a write must copy it.</summary>
    private static bool SwapShared(RefPage page) => page.SwapSlot is { Count: > 0 };

    /// <summary>Copies the whole content of one page to another (every copy moves all 4096 bytes in bytes mode).</summary>
    private static void CopyContent(RefPage src, RefPage dst)
    {
        if (src.Bytes is not null)
        {
            src.Bytes.AsSpan().CopyTo(dst.Bytes);
        }
        else
        {
            dst.Stamp = src.Stamp;
        }
    }

    private static void WriteContent(RefPage page, ulong stamp)
    {
        if (page.Bytes is not null)
        {
            Stamp.Fill(stamp, page.Bytes);
        }
        else
        {
            page.Stamp = stamp;
        }
    }

    private static bool Holds(RefPage page, ulong stamp) =>
        page.Bytes is not null ? Stamp.Matches(stamp, page.Bytes) : page.Stamp == stamp;

    private static ulong ContentOf(RefPage page) => page.Bytes is not null ? ContentOf(page.Bytes) : page.Stamp;

    /// <summary>The stamp bytes carry, or a hash of them when they match no stamp.</summary>
    private static ulong ContentOf(byte[] bytes)
    {
        var stamp = Stamp.Read(bytes);
        if (Stamp.Matches(stamp, bytes))
        {
            return stamp;
        }
        var h = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            h = (h ^ b) * 1099511628211UL;
        }
        return h;
    }
}
