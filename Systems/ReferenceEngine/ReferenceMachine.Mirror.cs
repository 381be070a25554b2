using HmmEcs.Components.Content;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Mirror;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>The device mirror (dmirror): device reads and writes through it, snapshots, eviction.</summary>
public sealed partial class ReferenceMachine
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
        var v = Vma(proc, vma);
        if (!range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        if (write && !v.Writable)
        {
            return Errno.EPERM;
        }
        var entries = (v.Mirror ??= new MirrorTable(_devices.Length, v.Pages)).For(d);
        long need = 0;
        long plannedRegion = -1;
        for (var i = first; i < first + count; i++)
        {
            if (!IsLive(v, i, entries[i], write) && NeedsCpuFault(v, d, i, write)
                && !PrepassPage(v, i, write, ref need, ref plannedRegion))
            {
                return Errno.EFAULT;
            }
        }
        if (need > _ram.Free)
        {
            return Errno.ENOMEM;
        }
        FaultCounts ignored = default;
        for (var i = first; i < first + count; i++)
        {
            if (!IsLive(v, i, entries[i], write))
            {
                result.Faults++;
                if (NeedsCpuFault(v, d, i, write))
                {
                    FaultIn(v, i, write, ref ignored);
                }
                MirrorMap(v, d, i);
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

    /// <inheritdoc/>
    public Errno Snapshot(string device, string proc, string vma, PageRange range, SnapshotResult result)
    {
        var d = DeviceIndex(device);
        var v = Vma(proc, vma);
        if (!range.TryResolve(v.Pages, out var first, out var count))
        {
            return Errno.EFAULT;
        }
        for (var i = first; i < first + count; i++)
        {
            ref var pte = ref v.Ptes[i];
            switch (pte.Kind)
            {
                case PteKind.Present when v.HugePmd[i / HugePages]:
                    result.Huge++;
                    break;
                case PteKind.Present:
                    if (pte.Write)
                    {
                        result.Write++;
                    }
                    else
                    {
                        result.Read++;
                    }
                    break;
                case PteKind.DevicePrivate:
                    if (pte.Page!.Device == d)
                    {
                        result.DeviceLocal++;
                    }
                    else
                    {
                        result.DeviceRemote++;
                    }
                    break;
                default:
                    result.None++;
                    break;
            }
        }
        return Errno.None;
    }

    /// <inheritdoc/>
    public Errno Evict(string device, out long migrated)
    {
        migrated = 0;
        var d = DeviceIndex(device);
        if (_devices[d].Allocator.Used > _ram.Free)
        {
            return Errno.ENOMEM;
        }
        var result = new MigrateResult();
        foreach (var p in _processOrder)
        {
            foreach (var v in p.Order)
            {
                // Runs of this device's pages, walked again after each run: a shared page moves for every mapper at once.
                var i = 0L;
                while (i < v.Pages)
                {
                    if (!OnDevice(v, i, d))
                    {
                        i++;
                        continue;
                    }
                    var end = i + 1;
                    while (end < v.Pages && OnDevice(v, end, d))
                    {
                        end++;
                    }
                    if (v.Kind is VmaKind.Hugetlb or VmaKind.Pfnmap)
                    {
                        i = end;
                        continue;
                    }
                    Migrate(new MigrateRequest(p.Name, v.Name, new PageRange(i, end - i), "ram"), result);
                    migrated += result.Migrated;
                    i = end;
                }
            }
        }
        return Errno.None;
    }

    private static bool OnDevice(RefVma v, long i, int d)
    {
        ref var pte = ref v.Ptes[i];
        return pte.Kind is PteKind.Present or PteKind.DevicePrivate && pte.Page!.Device == d;
    }

    /// <summary>Live mirror entries of every device (stats <c>devices.NAME.mirrored</c>).</summary>
    private void CountMirrored(long[] mirrored)
    {
        foreach (var p in _processOrder)
        {
            foreach (var v in p.Order)
            {
                if (v.Mirror is not { } table)
                {
                    continue;
                }
                for (var d = 0; d < _devices.Length; d++)
                {
                    if (table.Existing(d) is not { } entries)
                    {
                        continue;
                    }
                    for (long i = 0; i < entries.Length; i++)
                    {
                        if (IsLive(v, i, entries[i], false))
                        {
                            mirrored[d]++;
                        }
                    }
                }
            }
        }
    }

    private int DeviceIndex(string device)
    {
        var d = Config.DeviceIndex(device);
        return d >= 0 ? d : throw new ArgumentException($"no device '{device}'", nameof(device));
    }
}
