using HmmEcs.Components.Content;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.EcsEngine;

/// <summary>The device mirror (dmirror): device reads and writes through it, snapshots, eviction.</summary>
public sealed partial class EcsMachine
{
    /// <inheritdoc/>
    public Errno DeviceRead(string device, string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, DeviceAccessResult result)
        => DeviceAccess(device, proc, vma, range, false, pattern == VerifyPattern.Seq, salt, result);

    /// <inheritdoc/>
    public Errno DeviceWrite(string device, string proc, string vma, PageRange range, ulong salt, DeviceAccessResult result)
        => DeviceAccess(device, proc, vma, range, true, true, salt, result);

    private Errno DeviceAccess(string device, string proc, string vma, PageRange range, bool write, bool seq, ulong salt, DeviceAccessResult result)
    {
        var d = DeviceIndex(device);
        var v = _mm.Process(proc).Find(vma);
        if (!range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        if (write && !v.Area.Writable)
        {
            return Errno.EPERM;
        }
        var entries = _mm.MirrorOf(v, d);
        long need = 0;
        var plannedRegion = -1L;
        for (var i = first; i < first + count; i++)
        {
            if (!_mm.IsLive(v, i, entries[i], write) && _mm.NeedsCpuFault(v, d, i, write)
                && !_mm.PreparePage(v, i, write, ref need, ref plannedRegion))
            {
                return Errno.EFAULT;
            }
        }
        if (need > _mm.Memory.Ram.Frames.Free)
        {
            return Errno.ENOMEM;
        }
        FaultCounts ignored = default;
        for (var i = first; i < first + count; i++)
        {
            if (!_mm.IsLive(v, i, entries[i], write))
            {
                result.Faults++;
                if (_mm.NeedsCpuFault(v, d, i, write))
                {
                    _mm.FaultIn(v, i, write, ref ignored);
                }
                _mm.MirrorMap(v, d, i);
            }
            var id = _mm.MappedAt(v, i, out _);
            result.Pages++;
            if (write)
            {
                _mm.Memory.Write(ref _mm.ContentRef(id), Stamp.Of(salt, i));
            }
            else if (_mm.Memory.ContentOf(_mm.ContentRef(id)) != (seq ? Stamp.Of(salt, i) : 0UL))
            {
                result.Mismatches++;
            }
        }
        if (write)
        {
            v.Shadow.Write(first, count, salt);
        }
        SyncDevices();
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Snapshot(string device, string proc, string vma, PageRange range, SnapshotResult result)
    {
        var d = DeviceIndex(device);
        var v = _mm.Process(proc).Find(vma);
        if (!range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        for (var i = first; i < first + count; i++)
        {
            _mm.SnapshotPage(v, d, i, result);
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Evict(string device, out long migrated)
    {
        migrated = 0;
        var d = DeviceIndex(device);
        if (_mm.Memory.Devices[d].Used > _mm.Memory.Ram.Frames.Free)
        {
            return Errno.ENOMEM;
        }
        var result = new MigrateResult();
        foreach (var p in _mm.Processes)
        {
            foreach (var v in p.Vmas)
            {
                // Runs of this device's pages, walked again after each run: a shared page moves for every mapper at once.
                var i = 0L;
                while (i < v.Pages)
                {
                    if (!_mm.OnDevice(v, i, d))
                    {
                        i++;
                        continue;
                    }
                    var end = i + 1;
                    while (end < v.Pages && _mm.OnDevice(v, end, d))
                    {
                        end++;
                    }
                    if (v.Kind is not (VmaKind.Hugetlb or VmaKind.Pfnmap))
                    {
                        Migrate(new MigrateRequest(p.Name, v.Name, new PageRange(i, end - i), "ram"), result);
                        migrated += result.Migrated;
                    }
                    i = end;
                }
            }
        }
        return Errno.None;
    }

    /// <summary>dmirror's finalize: the migrating device maps every page it migrated into its mirror.</summary>
    private void MirrorMigrated(VmaInfo v, long first, int target, MigrateResult result) =>
        _mm.MirrorMapMigrated(v, target, first, result.PageOutcomes);

    private int DeviceIndex(string device)
    {
        var d = Config.DeviceIndex(device);
        return d >= 0 ? d : throw new ArgumentException($"no device '{device}'", nameof(device));
    }
}
