using HmmEcs.Components.Content;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Mirror;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.EcsEngine;

/// <summary>The device mirror (dmirror): device reads and writes through it, snapshots, what eviction reads.</summary>
public sealed partial class EcsMachine
{
    /// <summary>
    /// Before a device touches <c>[first, first + count)</c>: EFAULT when a page it would fault in cannot be, ENOMEM when
    /// the CPU faults its misses need would take more RAM frames than are free; nothing is changed either way.
    /// </summary>
    private Errno PlanDeviceFaults(VmaInfo v, int device, MirrorEntry[] entries, long first, long count, bool write, long reserve = 0)
    {
        long need = reserve;
        var plannedRegion = -1L;
        for (var i = first; i < first + count; i++)
        {
            if (!_mm.IsLive(v, i, entries[i], write) && _mm.NeedsCpuFault(v, device, i, write)
                && !_mm.PreparePage(v, i, write, ref need, ref plannedRegion, ownPage: true))
            {
                return Errno.EFAULT;
            }
        }
        if (need > _mm.Memory.Ram.Free)
        {
            return Errno.ENOMEM;
        }
        return Errno.None;
    }

    private protected override Errno DeviceAccessCore(int device, int vma, long first, long count, bool write, bool seq, ulong salt, DeviceAccessResult result)
    {
        var v = _mm.Vmas[vma];
        var entries = _mm.MirrorOf(v, device);
        if (PlanDeviceFaults(v, device, entries, first, count, write) is var planned and not Errno.None)
        {
            return planned;
        }
        FaultCounts ignored = default;
        for (var i = first; i < first + count; i++)
        {
            if (!_mm.IsLive(v, i, entries[i], write))
            {
                result.Faults++;
                if (_mm.NeedsCpuFault(v, device, i, write))
                {
                    _mm.FaultIn(v, i, write, ref ignored, ownPage: true);
                }
                _mm.MirrorMap(v, device, i);
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
            _mm.Vmas[vma].Shadow.Write(first, count, salt);
        }
        SyncDevices();
        return Errno.None;
    }

    private protected override void SnapshotCore(int device, int vma, long first, long count, int owner, SnapshotResult result)
    {
        var v = _mm.Vmas[vma];
        var ownerIds = OwnerIds;
        for (var i = first; i < first + count; i++)
        {
            _mm.SnapshotPage(v, device, i, owner, ownerIds, result);
        }
    }

    private protected override long DevicePageCore(int vma, long i, int device)
    {
        var id = _mm.MappedAt(_mm.Vmas[vma], i, out _);
        var memory = _mm.Memory;
        return id >= memory.RamPages && memory.DeviceOf(id) == device ? id - memory.Devices[device].FirstId : -1;
    }

    private protected override bool DevicePageUsedCore(int device, long page) => _mm.Memory.Devices[device].IsUsed(page);

    private protected override long RamFramesFree => _mm.Memory.Ram.Free;

    private protected override long DevicePagesUsed(int device) => _mm.Memory.Devices[device].Used;

    private protected override long LiveMirrorEntriesCore(int vma, int device)
    {
        var v = _mm.Vmas[vma];
        return v.Mirror?.CountLive(device, new Liveness(_mm, v)) ?? 0;
    }

    private readonly struct Liveness(MemoryManager mm, VmaInfo vma) : IMirrorLiveness
    {
        public bool IsLive(long page, in MirrorEntry entry) => mm.IsLive(vma, page, entry, false);
    }
}
