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
    public Errno Mmap(string proc, string vma, long pages, VmaKind kind, bool writable, bool thp) =>
        Mmap(proc, vma, pages, kind, writable ? PageProt.ReadWrite : PageProt.Read, thp);

    /// <inheritdoc/>
    public Errno Mmap(string proc, string vma, long pages, VmaKind kind, PageProt prot, bool thp)
    {
        ThrowIfCallOpen("mmap");
        if (pages < 1 || prot == PageProt.Unmapped || !_processes.TryGetValue(proc, out var p) || p.Vmas.ContainsKey(vma))
        {
            return Errno.EINVAL;
        }
        p.Add(new VmaEntry(vma, MmapCore(p.Id, vma, pages, kind, prot, thp), pages, kind, new VmaLayout(pages, prot)));
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
        // A page outside every kernel VMA, or without the access's protection, is SIGSEGV: EFAULT for the whole step.
        if (!range.TryResolve(v.Pages, out var first, out var count) || !v.Layout.All(first, count, write ? PageProt.ReadWrite : PageProt.Read))
        {
            return Errno.EFAULT;
        }
        return Hangs(v.Id, first, count) ? Errno.HUNG : TouchCore(v.Id, first, count, write, salt, out faults);
    }

    /// <inheritdoc/>
    public Errno Fork(string proc, string child)
    {
        ThrowIfCallOpen("fork");
        if (!_processes.TryGetValue(proc, out var parent) || _processes.ContainsKey(child))
        {
            return Errno.EINVAL;
        }
        if (HangsProcess(parent))
        {
            return Errno.HUNG;
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
            c.Add(new VmaEntry(pv.Name, childVmas[k], pv.Pages, pv.Kind, pv.Layout.Clone()));
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Pin(string proc, string vma, PageRange range, int every, bool take, out long pages)
    {
        ThrowIfCallOpen("pin");
        pages = 0;
        var err = ResolveEvery(proc, vma, range, every, PageProt.Read, out var id, out var first, out var count);
        return err != Errno.None ? err : Hangs(id, first, count, every) ? Errno.HUNG : PinCore(id, first, count, every, take, out pages);
    }

    /// <inheritdoc/>
    public Errno Lock(string proc, string vma, PageRange range, int every, bool take, out long pages)
    {
        ThrowIfCallOpen("lock");
        pages = 0;
        var err = ResolveEvery(proc, vma, range, every, PageProt.Read, out var id, out var first, out var count);
        return err != Errno.None ? err : Hangs(id, first, count, every) ? Errno.HUNG : LockCore(id, first, count, every, take, out pages);
    }

    /// <inheritdoc/>
    public Errno SwapOut(string proc, string vma, PageRange range, int every, out long swapped)
    {
        ThrowIfCallOpen("swapout");
        swapped = 0;
        var err = ResolveEvery(proc, vma, range, every, PageProt.None, out var id, out var first, out var count);
        return err != Errno.None ? err : Hangs(id, first, count, every) ? Errno.HUNG : SwapOutCore(id, first, count, every, out swapped);
    }

    /// <inheritdoc/>
    public Errno Mprotect(string proc, string vma, bool writable) =>
        Mprotect(proc, vma, PageRange.All, writable ? PageProt.ReadWrite : PageProt.Read);

    /// <inheritdoc/>
    public Errno Mprotect(string proc, string vma, PageRange range, PageProt prot)
    {
        ThrowIfCallOpen("mprotect");
        if (!TryVma(proc, vma, out var v) || prot == PageProt.Unmapped)
        {
            return Errno.EINVAL;
        }
        var err = ResolveSplit(v, range, out var first, out var count);
        if (err != Errno.None)
        {
            return err;
        }
        // As mprotect(2): a page in no VMA makes the call ENOMEM.
        if (!v.Layout.All(first, count, PageProt.None))
        {
            return Errno.ENOMEM;
        }
        if (Hangs(v.Id, first, count))
        {
            return Errno.HUNG;
        }
        MprotectCore(v.Id, first, count, prot);
        v.Layout.Set(first, count, prot);
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Munmap(string proc, string vma, PageRange range)
    {
        ThrowIfCallOpen("munmap");
        if (!TryVma(proc, vma, out var v))
        {
            return Errno.EINVAL;
        }
        var err = ResolveSplit(v, range, out var first, out var count);
        if (err != Errno.None)
        {
            return err;
        }
        if (Hangs(v.Id, first, count))
        {
            return Errno.HUNG;
        }
        MunmapRangeCore(v.Id, first, count);
        v.Layout.Set(first, count, PageProt.Unmapped);
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Mremap(string proc, string vma, PageRange range, string newVma, long pages, bool dontUnmap)
    {
        ThrowIfCallOpen("mremap");
        if (!_processes.TryGetValue(proc, out var p) || !p.Vmas.TryGetValue(vma, out var v) || p.Vmas.ContainsKey(newVma)
            || !range.TryResolve(v.Pages, out var first, out var count) || pages < 1
            || v.Kind != VmaKind.Anon || (dontUnmap && pages != count))
        {
            return Errno.EINVAL;
        }
        // As mremap(2): the old range must lie in one VMA.
        var prot = v.Layout[first];
        if (prot == PageProt.Unmapped || v.Layout.RunEnd(first, first + count) != first + count)
        {
            return Errno.EFAULT;
        }
        if (Hangs(v.Id, first, count))
        {
            return Errno.HUNG;
        }
        var id = MremapCore(p.Id, v.Id, first, count, newVma, pages, dontUnmap);
        p.Add(new VmaEntry(newVma, id, pages, v.Kind, new VmaLayout(pages, prot)));
        if (!dontUnmap)
        {
            v.Layout.Set(first, count, PageProt.Unmapped);
        }
        return Errno.None;
    }

    /// <summary>
    /// The range of a partial munmap or mprotect: EINVAL past the VMA (as for an unaligned address) and, for hugetlb,
    /// ends off a huge-page boundary (the kernel's rule for splitting a hugetlb VMA).
    /// </summary>
    private static Errno ResolveSplit(VmaEntry v, PageRange range, out long first, out long count)
    {
        if (!range.TryResolve(v.Pages, out first, out count))
        {
            return Errno.EINVAL;
        }
        var aligned = first % PageGeometry.PmdPages == 0 && ((first + count) % PageGeometry.PmdPages == 0 || first + count == v.Pages);
        return v.Kind == VmaKind.Hugetlb && !aligned ? Errno.EINVAL : Errno.None;
    }

    /// <inheritdoc/>
    public Errno Munmap(string proc, string vma)
    {
        ThrowIfCallOpen("munmap");
        if (!_processes.TryGetValue(proc, out var p) || !p.Vmas.TryGetValue(vma, out var v))
        {
            return Errno.EINVAL;
        }
        if (Hangs(v.Id, 0, v.Pages))
        {
            return Errno.HUNG;
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
        // As the test driver (dmirror_migrate_to_device/_system): every page must lie in a VMA with VM_READ.
        if (!TryVma(request.Proc, request.Vma, out var v) || !TryTarget(request.To, out var target)
            || !Migratable(v) || !request.Range.TryResolve(v.Pages, out var first, out var count)
            || !v.Layout.All(first, count, PageProt.Read))
        {
            return Errno.EINVAL;
        }
        if (!TrySelection(request, target, out var selection))
        {
            return Errno.EINVAL;
        }
        result.Races = null;
        var races = request.Races is { Count: > 0 } list ? list : null;
        if (races is not null && RaceProblem(request, races) is not null)
        {
            return Errno.EINVAL;
        }
        if (Hangs(v.Id, first, count))
        {
            return Errno.HUNG;
        }
        return races is not null
            ? MigrateWithRaces(request, races, v.Id, first, count, target, selection, result)
            : MigrateCore(v.Id, first, count, target, request.Inject, selection, result);
    }

    /// <inheritdoc/>
    public Errno Verify(string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, VerifyResult result)
    {
        ThrowIfCallOpen("verify");
        if (!TryVma(proc, vma, out var v))
        {
            return Errno.EINVAL;
        }
        // A read of a page in no VMA would be SIGSEGV; PROT_NONE pages are inspected all the same (verify is the simulator's look).
        if (!range.TryResolve(v.Pages, out var first, out var count) || !v.Layout.All(first, count, PageProt.None))
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
        return err != Errno.None ? err : Hangs(v.Id, first, count) ? Errno.HUNG : DeviceAccessCore(d, v.Id, first, count, false, pattern == VerifyPattern.Seq, salt, result);
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
        if (!v.Layout.All(first, count, PageProt.ReadWrite))
        {
            return Errno.EPERM;
        }
        return Hangs(v.Id, first, count) ? Errno.HUNG : DeviceAccessCore(d, v.Id, first, count, true, true, salt, result);
    }

    /// <inheritdoc/>
    public Errno Snapshot(string device, string proc, string vma, PageRange range, SnapshotResult result)
    {
        ThrowIfCallOpen("snapshot");
        if (!TryDevice(device, out var d) || !TryVma(proc, vma, out var v))
        {
            return Errno.EINVAL;
        }
        // Unlike the device's reads and writes, a snapshot requests no fault: pages it cannot read are errors, not EFAULT.
        if (!range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        // Mainline's hmm_range_fault reports a device-private page only to its owner (range->dev_private_owner); the seed's
        // profiles report every device's.
        var owner = Config.Profile == SemanticsProfile.Mainline ? OwnerIds[d] : MigrateSelection.AnyOwner;
        var end = first + count;
        for (var i = first; i < end;)
        {
            // hmm_vma_walk_test and hmm_vma_walk_hole: no VMA, no VM_READ or VM_PFNMAP is HMM_PFN_ERROR when nothing faults.
            var run = v.Layout.RunEnd(i, end);
            if (v.Kind == VmaKind.Pfnmap || v.Layout[i] < PageProt.Read)
            {
                result.Error += run - i;
            }
            else
            {
                SnapshotCore(d, v.Id, i, run - i, owner, result);
            }
            i = run;
        }
        return Errno.None;
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
        if (HangsEvict(d, first, first + count))
        {
            return Errno.HUNG;
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
            || !(request.WriteFraction is >= 0 and <= 1) || !TraceFits(request, count))
        {
            return Errno.EINVAL;
        }
        return request.MayWrite && !v.Layout.All(first, count, PageProt.ReadWrite) ? Errno.EPERM : WorkloadCore(d, v.Id, first, count, request, result);
    }

    /// <summary>
    /// A <c>trace</c> pattern has its trace, whose pages all lie in the range, and no <c>writeFraction</c> (its accesses
    /// carry their kind); any other pattern has no trace.
    /// </summary>
    private static bool TraceFits(WorkloadRequest request, long count) =>
        request.Pattern.Kind == AccessPatternKind.Trace
            ? request.Pattern.Trace is { } trace && trace.MaxPage < count && request.WriteFraction == 0
            : request.Pattern.Trace is null;

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
    private Errno ResolveEvery(string proc, string vma, PageRange range, int every, PageProt least, out int id, out long first, out long count)
    {
        first = count = 0;
        id = -1;
        if (!TryVma(proc, vma, out var v))
        {
            return Errno.EINVAL;
        }
        id = v.Id;
        return every >= 1 && range.TryResolve(v.Pages, out first, out count) && v.Layout.All(first, count, least) ? Errno.None : Errno.EFAULT;
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
        // hmm_range_fault: a page in no VMA, or in one without VM_READ, is EFAULT.
        return range.TryResolve(v.Pages, out first, out count) && v.Layout.All(first, count, PageProt.Read) ? Errno.None : Errno.EFAULT;
    }
}
