using HmmEcs.Components.Content;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Mirror;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>The device mirror (dmirror): device reads and writes through it, snapshots, eviction.</summary>
public sealed partial class ReferenceMachine
{
    /// <summary>
    /// Before a device touches <c>[first, first + count)</c>: EFAULT when a page it would fault in cannot be, ENOMEM when
    /// the CPU faults its misses need would take more RAM frames than are free; nothing is changed either way.
    /// </summary>
    private Errno PlanDeviceFaults(RefVma v, int device, MirrorEntry[] entries, long first, long count, bool write, long reserve = 0)
    {
        long need = reserve;
        long plannedRegion = -1;
        for (var i = first; i < first + count; i++)
        {
            var frames = IsLive(v, i, entries[i], write) || !NeedsCpuFault(v, device, i, write)
                ? 0
                : FramesFor(v, i, write, ref plannedRegion, ownPage: true);
            if (frames < 0)
            {
                return Errno.EFAULT;
            }
            need += frames;
        }
        if (need > _ram.Free)
        {
            return Errno.ENOMEM;
        }
        return Errno.None;
    }

    private protected override Errno DeviceAccessCore(int device, int vma, long first, long count, bool write, bool seq, ulong salt, DeviceAccessResult result)
    {
        var v = _vmas[vma];
        var entries = (v.Mirror ??= new MirrorTable(_devices.Length, v.Pages)).For(device);
        if (PlanDeviceFaults(v, device, entries, first, count, write) is var planned and not Errno.None)
        {
            return planned;
        }
        FaultCounts ignored = default;
        for (var i = first; i < first + count; i++)
        {
            if (!IsLive(v, i, entries[i], write))
            {
                result.Faults++;
                if (NeedsCpuFault(v, device, i, write))
                {
                    FaultIn(v, i, write, ref ignored, ownPage: true);
                }
                MirrorMap(v, device, i);
            }
            var page = v.Ptes[i].Page!;
            result.Pages++;
            if (write)
            {
                var stamp = Stamp.Of(salt, i);
                WriteContent(page, stamp);
                v.Shadow[i] = stamp;
            }
            else if (!Holds(page, seq ? Stamp.Of(salt, i) : 0))
            {
                result.Mismatches++;
            }
        }
        return Errno.None;
    }

    /// <summary>
    /// Whether the fault path must go through the CPU page table: holes, swap entries and other devices'
    /// pages; a page of this device or a present page only when a write needs a write-protect fault.
    /// </summary>
    private static bool NeedsCpuFault(RefVma v, int d, long i, bool write)
    {
        ref var pte = ref v.Ptes[i];
        return pte.Kind switch
        {
            PteKind.Present => write && !pte.Write,
            PteKind.DevicePrivate => pte.Page!.Device != d || (write && !pte.Write),
            _ => true,
        };
    }

    /// <summary>A live entry still names the page the PTE maps (same frame, not freed since) with at least the access needed.</summary>
    private bool IsLive(RefVma v, long i, in MirrorEntry e, bool write)
    {
        if (e.Access == 0 || (write && e.Access != MirrorEntry.Write))
        {
            return false;
        }
        ref var pte = ref v.Ptes[i];
        if (pte.Kind is not (PteKind.Present or PteKind.DevicePrivate))
        {
            return false;
        }
        var page = pte.Page!;
        return e.Names(KeyOf(page), page.Generation) && (e.Access == MirrorEntry.Read || pte.Write);
    }

    /// <summary>A page's identity in mirror entries (see <see cref="_firstMirrorKey"/>).</summary>
    private int KeyOf(RefPage page) => page.Device < 0 ? (int)page.Frame : _firstMirrorKey[page.Device] + (int)page.Frame;

    /// <summary>Maps page <paramref name="i"/> (mapped by its PTE) into device <paramref name="d"/>'s mirror, writable as the PTE is.</summary>
    private void MirrorMap(RefVma v, int d, long i)
    {
        ref var pte = ref v.Ptes[i];
        var page = pte.Page!;
        var entries = (v.Mirror ??= new MirrorTable(_devices.Length, v.Pages)).For(d);
        entries[i] = new MirrorEntry
        {
            Page = KeyOf(page),
            Generation = page.Generation,
            Access = pte.Write ? MirrorEntry.Write : MirrorEntry.Read,
        };
    }

    private protected override void SnapshotCore(int device, int vma, long first, long count, int owner, SnapshotResult result)
    {
        var v = _vmas[vma];
        for (var i = first; i < first + count; i++)
        {
            ref var pte = ref v.Ptes[i];
            if (pte.Kind == PteKind.Zero)
            {
                // hmm_range_fault reports the zero page readable (dmirror's ZERO|READ).
                result.Read++;
            }
            else if (pte.Kind is not (PteKind.Present or PteKind.DevicePrivate))
            {
                result.None++;
            }
            else if (pte.Page!.Device >= 0 && !pte.Page.Unaddressable)
            {
                result.CoherentLocal += pte.Page.Device == device ? 1 : 0;
                result.CoherentRemote += pte.Page.Device == device ? 0 : 1;
            }
            else if (pte.Kind == PteKind.DevicePrivate)
            {
                // Another owner's device-private page is not reported (dev_private_owner): none.
                var reported = pte.Page.Device == device || owner == MigrateSelection.AnyOwner || OwnerIds[pte.Page.Device] == owner;
                result.DeviceLocal += pte.Page.Device == device ? 1 : 0;
                result.DeviceRemote += reported && pte.Page.Device != device ? 1 : 0;
                result.None += reported ? 0 : 1;
            }
            else if (v.HugePmd[i / HugePages])
            {
                result.Huge++;
            }
            else
            {
                result.Write += pte.Write ? 1 : 0;
                result.Read += pte.Write ? 0 : 1;
            }
        }
    }

    private protected override long DevicePageCore(int vma, long i, int device) => OnDevice(_vmas[vma], i, device) ? _vmas[vma].Ptes[i].Page!.Frame : -1;

    private protected override bool DevicePageUsedCore(int device, long page) => _devices[device].Allocator.IsUsed(page);

    private protected override long RamFramesFree => _ram.Free;

    private protected override long DevicePagesUsed(int device) => _devices[device].Allocator.Used;

    private static bool OnDevice(RefVma v, long i, int d)
    {
        ref var pte = ref v.Ptes[i];
        return pte.Kind is PteKind.Present or PteKind.DevicePrivate && pte.Page!.Device == d;
    }

    private protected override long LiveMirrorEntriesCore(int vma, int device) =>
        _vmas[vma].Mirror?.CountLive(device, new Liveness(this, _vmas[vma])) ?? 0;

    private readonly struct Liveness(ReferenceMachine machine, RefVma vma) : IMirrorLiveness
    {
        public bool IsLive(long page, in MirrorEntry entry) => machine.IsLive(vma, page, entry, false);
    }
}
