using HmmEcs.Components.Content;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Simulation;

namespace HmmEcs.Systems.Reference;

/// <summary>CPU faults (touch, pin, lock) and the ops built on them, each checked by a dry run first.</summary>
public sealed partial class ReferenceMachine
{
    /// <inheritdoc/>
    public Errno Touch(string proc, string vma, PageRange range, Access access, ulong salt, out FaultCounts faults)
    {
        faults = default;
        var v = Vma(proc, vma);
        if (!range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        var write = access == Access.Write;
        var err = Prepass(v, first, count, 1, write);
        if (err != Errno.None)
        {
            return err;
        }
        for (var i = first; i < first + count; i++)
        {
            FaultIn(v, i, write, ref faults);
            if (write)
            {
                var stamp = Stamp.Of(salt, i);
                WriteContent(v.Ptes[i].Page!, stamp);
                v.Shadow[i] = stamp;
            }
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Pin(string proc, string vma, PageRange range, int every, bool take, out long pages)
    {
        pages = 0;
        var v = Vma(proc, vma);
        var err = FaultInEvery(v, range, every, out var first, out var count);
        if (err != Errno.None)
        {
            return err;
        }
        for (long k = 0; k < count; k += every)
        {
            var page = v.Ptes[first + k].Page!;
            if (take)
            {
                if (page.Pins++ == 0)
                {
                    _pinnedPages++;
                }
                AddRef(page);
                pages++;
            }
            else if (page.Pins > 0)
            {
                if (--page.Pins == 0)
                {
                    _pinnedPages--;
                }
                DropRef(page);
                pages++;
            }
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Lock(string proc, string vma, PageRange range, int every, bool take, out long pages)
    {
        pages = 0;
        var v = Vma(proc, vma);
        var err = FaultInEvery(v, range, every, out var first, out var count);
        if (err != Errno.None)
        {
            return err;
        }
        for (long k = 0; k < count; k += every)
        {
            var page = v.Ptes[first + k].Page!;
            if (page.LockedByOther != take)
            {
                page.LockedByOther = take;
                _lockedPages += take ? 1 : -1;
                pages++;
            }
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno SwapOut(string proc, string vma, PageRange range, int every, out long swapped)
    {
        swapped = 0;
        var v = Vma(proc, vma);
        if (every < 1)
        {
            return Errno.EINVAL;
        }
        if (!range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        if (v.Kind != VmaKind.Anon)
        {
            return Errno.None;
        }
        for (long k = 0; k < count; k += every)
        {
            ref var pte = ref v.Ptes[first + k];
            if (pte.Kind != PteKind.Present)
            {
                continue;
            }
            var page = pte.Page!;
            if (page.Device >= 0 || page.MapCount != 1 || page.Pins != 0 || page.LockedByOther || page.Compound is not null)
            {
                continue;
            }
            var slot = new RefSwapSlot { Count = 1, Stamp = page.Stamp, Bytes = page.Bytes };
            page.Bytes = null;
            _swapSlots.Add(slot);
            pte.Kind = PteKind.Swap;
            pte.Page = null;
            pte.Slot = slot;
            RemoveMap(page);
            swapped++;
        }
        return Errno.None;
    }

    /// <summary>Faults in every <paramref name="every"/>-th page of a range as a read touch would (pin, lock).</summary>
    private Errno FaultInEvery(RefVma v, PageRange range, int every, out long first, out long count)
    {
        if (every < 1)
        {
            first = count = 0;
            return Errno.EINVAL;
        }
        if (!range.TryResolve(v.Pages, out first, out count))
        {
            return Errno.EFAULT;
        }
        var err = Prepass(v, first, count, every, false);
        if (err != Errno.None)
        {
            return err;
        }
        FaultCounts ignored = default;
        for (long k = 0; k < count; k += every)
        {
            FaultIn(v, first + k, false, ref ignored);
        }
        return Errno.None;
    }

    /// <summary>
    /// The dry run of a fault loop: EFAULT for a write to a read-only VMA or a fault on an immovable
    /// device page, then ENOMEM when RAM cannot hold the frames the loop would take. It replays the
    /// loop's allocations, in order, on a copy of the RAM allocator, so huge-page fallbacks count exactly.
    /// </summary>
    private Errno Prepass(RefVma v, long first, long count, int every, bool write)
    {
        if (write && !v.Writable)
        {
            return Errno.EFAULT;
        }
        var ram = _ram.Clone();
        var enomem = false;
        long regionDone = -1;
        long region4K = -1;
        for (long k = 0; k < count; k += every)
        {
            var i = first + k;
            var r = i / HugePages;
            if (r == regionDone)
            {
                continue;
            }
            ref var pte = ref v.Ptes[i];
            long need = 0;
            switch (pte.Kind)
            {
                case PteKind.None:
                    if (v.Kind == VmaKind.Hugetlb)
                    {
                        enomem |= ram.AllocBlock() < 0;
                        regionDone = r;
                    }
                    else if (v.IsShared)
                    {
                        need = v.Mapping.Cache![i] is null ? 1 : 0;
                    }
                    else if (r != region4K && ThpEligible(v, r) && ram.AllocBlock() >= 0)
                    {
                        regionDone = r;
                    }
                    else
                    {
                        need = 1;
                        region4K = r;
                    }
                    break;
                case PteKind.Swap:
                    need = 1;
                    break;
                case PteKind.DevicePrivate:
                    if (!_devices[pte.Page!.Device].Config.Movable)
                    {
                        return Errno.EFAULT;
                    }
                    need = 1 + (write && !pte.Write && !v.IsShared && pte.Page.MapCount > 1 ? 1 : 0);
                    break;
                case PteKind.Present:
                    if (write && !pte.Write && pte.Page!.MapCount > 1 && !v.IsShared)
                    {
                        if (v.Kind == VmaKind.Hugetlb)
                        {
                            enomem |= ram.AllocBlock() < 0;
                            regionDone = r;
                        }
                        else
                        {
                            need = 1;
                        }
                    }
                    break;
            }
            for (; need > 0; need--)
            {
                enomem |= ram.AllocLowest() < 0;
            }
        }
        return enomem ? Errno.ENOMEM : Errno.None;
    }

    /// <summary>A THP fault may map region <paramref name="r"/> whole: it lies inside the VMA and has no PTE at all.</summary>
    private static bool ThpEligible(RefVma v, long r)
    {
        // THP applies to private anonymous memory; file and shmem THP are not simulated.
        if (!v.Thp || v.Kind != VmaKind.Anon || (r + 1) * HugePages > v.Pages)
        {
            return false;
        }
        var ptes = v.Ptes;
        for (var i = r * HugePages; i < (r + 1) * HugePages; i++)
        {
            if (ptes[i].Kind != PteKind.None)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>One CPU access to page <paramref name="i"/>: the faults it needs, in the model's order. The prepass made room.</summary>
    private void FaultIn(RefVma v, long i, bool write, ref FaultCounts faults)
    {
        ref var pte = ref v.Ptes[i];
        switch (pte.Kind)
        {
            case PteKind.None:
                faults.New++;
                FaultHole(v, i);
                break;
            case PteKind.Swap:
                faults.Swap++;
                SwapIn(v, i);
                break;
            case PteKind.DevicePrivate:
                faults.Device++;
                FaultBack(v, i);
                break;
            case PteKind.Migration:
                throw new InvalidOperationException("migration entry outside a migration");
        }
        if (write && !pte.Write)
        {
            faults.Cow++;
            WriteProtectFault(v, i);
        }
    }

    private void FaultHole(RefVma v, long i)
    {
        var r = i / HugePages;
        if (v.Kind == VmaKind.Hugetlb)
        {
            var c = TryNewHugePage(true, out var head) ?? throw new InvalidOperationException("no huge page after the prepass");
            MapHuge(v, r, head, c);
            return;
        }
        if (v.IsShared)
        {
            var cache = v.Mapping.Cache!;
            var cached = cache[i];
            if (cached is null)
            {
                cached = NewRamPage();
                cached.Mapping = v.Mapping;
                cached.Index = i;
                cached.Cached = true;
                AddRef(cached);
                SetLru(cached, true);
                cache[i] = cached;
            }
            MapPage(v, i, cached, v.Writable);
            return;
        }
        if (ThpEligible(v, r) && TryNewHugePage(false, out var thpHead) is { } thp)
        {
            MapHuge(v, r, thpHead, thp);
            return;
        }
        var page = NewRamPage();
        page.Mapping = v.Mapping;
        page.Index = i;
        SetLru(page, true);
        MapPage(v, i, page, v.Writable);
    }

    /// <summary>Maps a new compound page over region <paramref name="r"/> with one huge PMD (clipped to the VMA for hugetlb).</summary>
    private void MapHuge(RefVma v, long r, long head, RefCompound compound)
    {
        _ = compound;
        v.HugePmd[r] = true;
        for (var j = 0; j < HugePages; j++)
        {
            var page = _ramPages[head + j]!;
            var i = r * HugePages + j;
            page.Mapping = v.Mapping;
            page.Index = i;
            SetLru(page, true);
            if (i < v.Pages)
            {
                MapPage(v, i, page, v.Writable);
            }
        }
    }

    private static void MapPage(RefVma v, long i, RefPage page, bool writable)
    {
        ref var pte = ref v.Ptes[i];
        pte.Kind = page.Unaddressable ? PteKind.DevicePrivate : PteKind.Present;
        pte.Page = page;
        pte.Slot = null;
        pte.Write = writable;
        AddMap(page);
    }

    private void SwapIn(RefVma v, long i)
    {
        ref var pte = ref v.Ptes[i];
        var slot = pte.Slot!;
        var page = NewRamPage();
        if (page.Bytes is not null)
        {
            slot.Bytes.AsSpan().CopyTo(page.Bytes);
        }
        else
        {
            page.Stamp = slot.Stamp;
        }
        page.Mapping = v.Mapping;
        page.Index = i;
        SetLru(page, true);
        DropSlot(slot);
        // Without a swap cache the new page belongs to this process alone, so it maps writable (as an exclusive swap-in does).
        MapPage(v, i, page, v.Writable);
    }

    /// <summary>The device's CPU-fault handler: a one-page migrate to RAM through the helper's phases.</summary>
    private void FaultBack(RefVma v, long i)
    {
        var outcome = MigrateRange(v, i, 1, -1, default, null)[0];
        if (outcome != MigrateReason.None)
        {
            throw new InvalidOperationException($"fault-back of page {i} failed: {outcome.Key()}");
        }
    }

    /// <summary>A write to a present read-only PTE of a writable VMA: copy a shared private page, else make it writable.</summary>
    private void WriteProtectFault(RefVma v, long i)
    {
        ref var pte = ref v.Ptes[i];
        var page = pte.Page!;
        var r = i / HugePages;
        if (v.IsShared)
        {
            pte.Write = true;
            return;
        }
        if (v.Kind == VmaKind.Hugetlb)
        {
            HugetlbWriteProtectFault(v, r);
            return;
        }
        // A COW fault on a huge PMD splits it first; the compound page stays.
        v.HugePmd[r] = false;
        if (page.MapCount > 1)
        {
            var copy = NewRamPage();
            CopyContent(page, copy);
            copy.Mapping = v.Mapping;
            copy.Index = i;
            SetLru(copy, true);
            RemoveMap(page);
            MapPage(v, i, copy, true);
        }
        else
        {
            pte.Write = true;
        }
    }

    /// <summary>hugetlb cannot split: a shared huge page is copied whole, an exclusive one made writable whole.</summary>
    private void HugetlbWriteProtectFault(RefVma v, long r)
    {
        var end = Math.Min(v.Pages, (r + 1) * HugePages);
        var start = r * HugePages;
        if (v.Ptes[start].Page!.MapCount > 1)
        {
            var c = TryNewHugePage(true, out var head) ?? throw new InvalidOperationException("no huge page after the prepass");
            _ = c;
            for (var i = start; i < start + HugePages; i++)
            {
                var dst = _ramPages[head + (i - start)]!;
                dst.Mapping = v.Mapping;
                dst.Index = i;
                SetLru(dst, true);
                if (i < end)
                {
                    CopyContent(v.Ptes[i].Page!, dst);
                    var old = v.Ptes[i].Page!;
                    MapPage(v, i, dst, true);
                    RemoveMap(old);
                }
            }
            return;
        }
        for (var i = start; i < end; i++)
        {
            v.Ptes[i].Write = true;
        }
    }
}
