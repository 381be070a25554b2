using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Machine;

// The ops: each resolves its names and checks its arguments, then hands the engine resolved ones.
public abstract partial class MachineFront
{
    /// <inheritdoc/>
    public Errno CreateProcess(string name)
    {
        ThrowIfCallOpen("process");
        if (_processes.ContainsKey(name))
        {
            return Errno.EINVAL;
        }
        Register(name, CreateProcessCore(name));
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Mmap(string proc, string vma, long pages, VmaKind kind, bool writable, bool thp)
    {
        ThrowIfCallOpen("mmap");
        if (pages < 1 || !_processes.TryGetValue(proc, out var p) || p.Vmas.ContainsKey(vma))
        {
            return Errno.EINVAL;
        }
        p.Add(new VmaEntry(vma, MmapCore(p.Id, vma, pages, kind, writable, thp), pages, kind, writable));
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Touch(string proc, string vma, PageRange range, Access access, ulong salt, out FaultCounts faults)
    {
        ThrowIfCallOpen("touch");
        faults = default;
        if (!TryVma(proc, vma, out var v))
        {
            return Errno.EINVAL;
        }
        var write = access == Access.Write;
        if (!range.TryResolve(v.Pages, out var first, out var count) || (write && !v.Writable))
        {
            return Errno.EFAULT;
        }
        return TouchCore(v.Id, first, count, write, salt, out faults);
    }

    /// <inheritdoc/>
    public Errno Fork(string proc, string child)
    {
        ThrowIfCallOpen("fork");
        if (!_processes.TryGetValue(proc, out var parent) || _processes.ContainsKey(child))
        {
            return Errno.EINVAL;
        }
        var childVmas = new List<int>(parent.Order.Count);
        var c = Register(child, ForkCore(parent.Id, child, childVmas));
        if (childVmas.Count != parent.Order.Count)
        {
            throw new InvalidOperationException($"{EngineName}: fork gave {childVmas.Count} VMAs for the parent's {parent.Order.Count}");
        }
        for (var k = 0; k < childVmas.Count; k++)
        {
            var pv = parent.Order[k];
            c.Add(new VmaEntry(pv.Name, childVmas[k], pv.Pages, pv.Kind, pv.Writable));
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Pin(string proc, string vma, PageRange range, int every, bool take, out long pages)
    {
        ThrowIfCallOpen("pin");
        pages = 0;
        var err = ResolveEvery(proc, vma, range, every, out var id, out var first, out var count);
        return err != Errno.None ? err : PinCore(id, first, count, every, take, out pages);
    }

    /// <inheritdoc/>
    public Errno Lock(string proc, string vma, PageRange range, int every, bool take, out long pages)
    {
        ThrowIfCallOpen("lock");
        pages = 0;
        var err = ResolveEvery(proc, vma, range, every, out var id, out var first, out var count);
        return err != Errno.None ? err : LockCore(id, first, count, every, take, out pages);
    }

    /// <inheritdoc/>
    public Errno SwapOut(string proc, string vma, PageRange range, int every, out long swapped)
    {
        ThrowIfCallOpen("swapout");
        swapped = 0;
        var err = ResolveEvery(proc, vma, range, every, out var id, out var first, out var count);
        return err != Errno.None ? err : SwapOutCore(id, first, count, every, out swapped);
    }

    /// <inheritdoc/>
    public Errno Mprotect(string proc, string vma, bool writable)
    {
        ThrowIfCallOpen("mprotect");
        if (!TryVma(proc, vma, out var v))
        {
            return Errno.EINVAL;
        }
        MprotectCore(v.Id, writable);
        v.Writable = writable;
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Munmap(string proc, string vma)
    {
        ThrowIfCallOpen("munmap");
        if (!_processes.TryGetValue(proc, out var p) || !p.Vmas.TryGetValue(vma, out var v))
        {
            return Errno.EINVAL;
        }
        MunmapCore(p.Id, v.Id);
        p.Vmas.Remove(vma);
        p.Order.Remove(v);
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Migrate(MigrateRequest request, MigrateResult result)
    {
        ThrowIfCallOpen("migrate");
        if (!TryVma(request.Proc, request.Vma, out var v) || !TryTarget(request.To, out var target)
            || !Migratable(v) || !request.Range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EINVAL;
        }
        if (!TrySelection(request, target, out var selection))
        {
            return Errno.EINVAL;
        }
        return MigrateCore(v.Id, first, count, target, request.Inject, selection, result);
    }

    /// <inheritdoc/>
    public Errno Verify(string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, VerifyResult result)
    {
        ThrowIfCallOpen("verify");
        if (!TryVma(proc, vma, out var v))
        {
            return Errno.EINVAL;
        }
        if (!range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        if (result.Device.Length != Config.DeviceList.Count)
        {
            result.Device = new long[Config.DeviceList.Count];
        }
        VerifyCore(v.Id, first, count, pattern == VerifyPattern.Seq, salt, result);
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno DeviceRead(string device, string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, DeviceAccessResult result)
    {
        ThrowIfCallOpen("device-read");
        var err = ResolveDeviceRange(device, proc, vma, range, out var d, out var v, out var first, out var count);
        return err != Errno.None ? err : DeviceAccessCore(d, v.Id, first, count, false, pattern == VerifyPattern.Seq, salt, result);
    }

    /// <inheritdoc/>
    public Errno DeviceWrite(string device, string proc, string vma, PageRange range, ulong salt, DeviceAccessResult result)
    {
        ThrowIfCallOpen("device-write");
        var err = ResolveDeviceRange(device, proc, vma, range, out var d, out var v, out var first, out var count);
        if (err != Errno.None)
        {
            return err;
        }
        return v.Writable ? DeviceAccessCore(d, v.Id, first, count, true, true, salt, result) : Errno.EPERM;
    }

    /// <inheritdoc/>
    public Errno Snapshot(string device, string proc, string vma, PageRange range, SnapshotResult result)
    {
        ThrowIfCallOpen("snapshot");
        var err = ResolveDeviceRange(device, proc, vma, range, out var d, out var v, out var first, out var count);
        if (err == Errno.None)
        {
            SnapshotCore(d, v.Id, first, count, result);
        }
        return err;
    }

    /// <inheritdoc/>
    public Errno Evict(string device, out long migrated) => Evict(device, PageRange.All, out migrated);

    /// <inheritdoc/>
    public Errno Evict(string device, PageRange pages, out long migrated)
    {
        ThrowIfCallOpen("evict");
        migrated = 0;
        if (!TryDevice(device, out var d))
        {
            return Errno.EINVAL;
        }
        var devicePages = Config.DeviceList[d].Pages;
        if (!pages.TryResolve(devicePages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        if (UsedIn(d, first, count, devicePages) > RamFramesFree)
        {
            return Errno.ENOMEM;
        }
        foreach (var p in _processOrder)
        {
            foreach (var v in p.Order)
            {
                if (Migratable(v))
                {
                    migrated += EvictRuns(v, d, first, first + count);
                }
            }
        }
        return Errno.None;
    }

    /// <summary>Allocated pages of device <paramref name="d"/> among <c>[first, first + count)</c>.</summary>
    private long UsedIn(int d, long first, long count, long devicePages)
    {
        if (count == devicePages)
        {
            return DevicePagesUsed(d);
        }
        long used = 0;
        for (var page = first; page < first + count; page++)
        {
            used += DevicePageUsedCore(d, page) ? 1 : 0;
        }
        return used;
    }

    /// <summary>
    /// Migrates each run of <paramref name="v"/>'s pages that map device <paramref name="d"/>'s pages <c>[lo, hi)</c> back to
    /// RAM, looking again after each run: a shared page moves for every mapper at once, so a later run may already be gone.
    /// </summary>
    private long EvictRuns(VmaEntry v, int d, long lo, long hi)
    {
        long migrated = 0;
        var i = 0L;
        while (i < v.Pages)
        {
            if (!MapsDevicePage(v.Id, i, d, lo, hi))
            {
                i++;
                continue;
            }
            var end = i + 1;
            while (end < v.Pages && MapsDevicePage(v.Id, end, d, lo, hi))
            {
                end++;
            }
            if (MigrateCore(v.Id, i, end - i, -1, default, MigrateSelection.ToRam, _evictSlice) == Errno.None)
            {
                migrated += _evictSlice.Migrated;
            }
            i = end;
        }
        return migrated;
    }

    private bool MapsDevicePage(int vma, long i, int d, long lo, long hi)
    {
        var page = DevicePageCore(vma, i, d);
        return page >= lo && page < hi;
    }

    /// <inheritdoc/>
    public Errno Workload(WorkloadRequest request, WorkloadResult result)
    {
        ThrowIfCallOpen("workload");
        var err = ResolveDeviceRange(request.Device, request.Proc, request.Vma, request.Range, out var d, out var v, out var first, out var count);
        if (err != Errno.None)
        {
            return err;
        }
        // A workload under v13-as-posted is refused: the posted helper strands pages the device's next faults would wait on.
        if (!Migratable(v) || Config.Profile == SemanticsProfile.V13AsPosted || request.Accesses < 1 || request.Parallel < 1 || request.Faults.BatchSize < 1
            || !(request.WriteFraction is >= 0 and <= 1))
        {
            return Errno.EINVAL;
        }
        return request.WriteFraction > 0 && !v.Writable ? Errno.EPERM : WorkloadCore(d, v.Id, first, count, request, result);
    }

    /// <inheritdoc/>
    public void Inspect(string proc, string vma, long first, Span<PageView> dest)
    {
        ThrowIfCallOpen("inspect");
        if (!TryVma(proc, vma, out var v))
        {
            throw new ArgumentException($"no VMA '{vma}' in process '{proc}'");
        }
        if (dest.Length > 0 && !FitsVma(first, first + dest.Length, v.Pages))
        {
            throw new ArgumentOutOfRangeException(nameof(first), $"pages {first}..{first + dest.Length} are not all in VMA '{vma}' of {v.Pages} pages");
        }
        InspectCore(v.Id, first, dest);
    }

    private ProcessEntry Register(string name, int id)
    {
        var p = new ProcessEntry(name, id);
        _processes.Add(name, p);
        _processOrder.Add(p);
        return p;
    }

    /// <summary>The front of pin, unpin, lock, unlock and swapout: the VMA, then <c>every</c> and the range (EFAULT).</summary>
    private Errno ResolveEvery(string proc, string vma, PageRange range, int every, out int id, out long first, out long count)
    {
        first = count = 0;
        id = -1;
        if (!TryVma(proc, vma, out var v))
        {
            return Errno.EINVAL;
        }
        id = v.Id;
        return every >= 1 && range.TryResolve(v.Pages, out first, out count) ? Errno.None : Errno.EFAULT;
    }

    /// <summary>The front of the device-mirror ops on a range: the device and the VMA (EINVAL), then the range (EFAULT).</summary>
    private Errno ResolveDeviceRange(string device, string proc, string vma, PageRange range, out int d, out VmaEntry v, out long first, out long count)
    {
        first = count = 0;
        v = null!;
        if (!TryDevice(device, out d) || !TryVma(proc, vma, out v))
        {
            return Errno.EINVAL;
        }
        return range.TryResolve(v.Pages, out first, out count) ? Errno.None : Errno.EFAULT;
    }
}
