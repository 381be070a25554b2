using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Paging;
using HmmEcs.Devices.Mirror;
using HmmEcs.Engine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Kernel;

/// <summary>The device mirror's view of the page table: what a page maps, entry liveness, snapshot states.</summary>
internal sealed partial class MemoryManager
{
    private Migration.MirrorMapOnCores? _mirrorOnCores;

    /// <summary>The page mapped at page <paramref name="i"/> (huge PMD, present or device-private PTE), or -1.</summary>
    public int MappedAt(VmaInfo vma, long i, out bool writable)
    {
        if (vma.HasHuge(i))
        {
            ref var pmd = ref HugeRef(vma, PageGeometry.PmdOf(i));
            writable = (pmd.Bits & PteBits.Write) != 0;
            return pmd.Head + PageGeometry.OffsetInPmd(i);
        }
        ref var pte = ref PteRef(vma.FirstPte + i);
        writable = pte.Writable;
        return pte.Kind is PteKind.Present or PteKind.DevicePrivate ? pte.Target : -1;
    }

    /// <summary>
    /// Whether the device's fault path must go through the CPU page table: holes, swap entries and other
    /// devices' private pages; a page of this device or a present page only when a write needs a write-protect fault.
    /// </summary>
    public bool NeedsCpuFault(VmaInfo vma, int device, long i, bool write)
    {
        var id = MappedAt(vma, i, out var writable);
        if (id < 0)
        {
            return true;
        }
        var devicePrivate = vma.HasHuge(i) ? IsDevicePrivate(id) : PteRef(vma.FirstPte + i).Kind == PteKind.DevicePrivate;
        if (devicePrivate && Memory.DeviceOf(id) != device)
        {
            return true;
        }
        return write && !writable;
    }

    /// <summary>A live entry still names the page mapped there (same id, not freed since) with at least the access needed.</summary>
    public bool IsLive(VmaInfo vma, long i, in MirrorEntry e, bool write)
    {
        if (e.Access == 0 || (write && e.Access != MirrorEntry.Write))
        {
            return false;
        }
        var id = MappedAt(vma, i, out var writable);
        return id >= 0 && e.Names(id, Memory.Generations![id]) && (e.Access == MirrorEntry.Read || writable);
    }

    /// <summary>The mirror entries of device <paramref name="device"/> for <paramref name="vma"/>, created on first use.</summary>
    public MirrorEntry[] MirrorOf(VmaInfo vma, int device)
    {
        Memory.TrackGenerations();
        return (vma.Mirror ??= new MirrorTable(Drivers.Length, vma.Pages)).For(device);
    }

    /// <summary>
    /// Before a migrate of pages <c>[first, first + count)</c> toward <paramref name="device"/>: when the device has no
    /// mirror of <paramref name="vma"/> yet, its entries are made now and the call's part of them populated on a second
    /// core (<see cref="Prefault"/>) while the helper's phases run, so the mapping after the call writes memory already
    /// there. A call too small to be worth a thread leaves the table to be made by the mapping. Frees are not counted
    /// yet (<see cref="MirrorOf"/> starts that with the mapping): the call's own frees precede every entry of the new table.
    /// </summary>
    public void PrefaultMirror(VmaInfo vma, int device, long first, long count)
    {
        if (vma.Mirror?.Existing(device) is not null || count * 8 < Prefault.MinimumBytes)
        {
            return;
        }
        var entries = (vma.Mirror ??= new MirrorTable(Drivers.Length, vma.Pages)).For(device);
        Prefault.Start(Prefault.Region.Of(entries, (int)first, (int)count));
    }

    /// <summary>Maps page <paramref name="i"/> (mapped in the CPU page table) into the device's mirror, writable as the CPU mapping is.</summary>
    public void MirrorMap(VmaInfo vma, int device, long i)
    {
        var entries = MirrorOf(vma, device);
        var id = MappedAt(vma, i, out var writable);
        entries[i] = new MirrorEntry
        {
            Page = id,
            Generation = Memory.Generations![id],
            Access = writable ? MirrorEntry.Write : MirrorEntry.Read,
        };
    }

    /// <summary>
    /// Maps every page that <paramref name="outcomes"/> says migrated (slot <c>k</c> is VMA page
    /// <c>first + k</c>) into the device's mirror, as dmirror's finalize does; one table lookup per call.
    /// Its PTE rows are read in place, chunk by chunk; a page under a huge PMD (a unit that moved whole) is looked up.
    /// A large call's slots are shared over the cores as the helper's phases are (<see cref="HelperThreads"/>): each
    /// slot's entry is its own.
    /// </summary>
    public void MirrorMapMigrated(VmaInfo vma, int device, long first, MigrateReason[] outcomes)
    {
        // The table (and the free counts) made here, once, before any thread reads them.
        var table = MirrorOf(vma, device);
        if (HelperThreads.Workers > 1 && outcomes.Length >= HelperThreads.FromPages)
        {
            (_mirrorOnCores ??= new Migration.MirrorMapOnCores(this)).Run(vma, table, first, outcomes);
            return;
        }
        MirrorMapSlots(vma, table, first, outcomes, 0, outcomes.Length);
    }

    /// <summary>Maps into <paramref name="table"/> the migrated pages of slots <c>[from, to)</c> of a call whose outcomes are <paramref name="outcomes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void MirrorMapSlots(VmaInfo vma, MirrorEntry[] table, long first, ReadOnlySpan<MigrateReason> outcomes, int from, int to)
    {
        var entries = table.AsSpan((int)first, outcomes.Length);
        var generations = Memory.Generations!;
        var g0 = vma.FirstPte + first;
        var k = from;
        while (k < to)
        {
            var rowStart = Ptes.RowOf(g0 + k);
            var ptes = Ptes.ChunkAt(g0 + k).GetSpan<Pte>();
            var len = Math.Min(to - k, ptes.Length - rowStart);
            var rows = ptes.Slice(rowStart, len);
            var slots = outcomes.Slice(k, len);
            var mapped = entries.Slice(k, len);
            for (var j = 0; j < rows.Length; j++)
            {
                if (slots[j] != MigrateReason.None)
                {
                    continue;
                }
                ref readonly var pte = ref rows[j];
                if (pte.Kind == PteKind.None)
                {
                    // A unit that moved whole is mapped by a huge PMD again (mainline's select compound).
                    var id = MappedAt(vma, first + k + j, out var writable);
                    mapped[j] = new MirrorEntry(id, generations[id], writable ? MirrorEntry.Write : MirrorEntry.Read);
                    continue;
                }
                mapped[j] = new MirrorEntry(pte.Target, generations[pte.Target], pte.Writable ? MirrorEntry.Write : MirrorEntry.Read);
            }
            k += len;
        }
    }

    /// <summary>
    /// Counts page <paramref name="i"/> in its snapshot state for device <paramref name="device"/>: another device's
    /// device-private page is <c>device-remote</c> when <paramref name="owner"/> is <see cref="MigrateSelection.AnyOwner"/>
    /// or its device's number in <paramref name="ownerIds"/>, else <c>none</c> (hmm_range_fault's <c>dev_private_owner</c>).
    /// </summary>
    public void SnapshotPage(VmaInfo vma, int device, long i, int owner, int[] ownerIds, SnapshotResult result)
    {
        int target;
        if (vma.HasHuge(i))
        {
            target = HugeRef(vma, PageGeometry.PmdOf(i)).Head;
            if (Memory.DeviceOf(target) < 0)
            {
                result.Huge++;
                return;
            }
            // A device folio's PMD counts as its device's page, as its PTEs would (the PMD bit has no state).
        }
        else
        {
            ref var pte = ref PteRef(vma.FirstPte + i);
            switch (pte.Kind)
            {
                case PteKind.Zero:
                    // hmm_range_fault reports the zero page readable (dmirror's ZERO|READ).
                    result.Read++;
                    return;
                case PteKind.Present when Memory.DeviceOf(pte.Target) < 0:
                    result.Write += pte.Writable ? 1 : 0;
                    result.Read += pte.Writable ? 0 : 1;
                    return;
                case PteKind.Present or PteKind.DevicePrivate:
                    target = pte.Target;
                    break;
                default:
                    result.None++;
                    return;
            }
        }
        var on = Memory.DeviceOf(target);
        if (!IsDevicePrivate(target))
        {
            result.CoherentLocal += on == device ? 1 : 0;
            result.CoherentRemote += on == device ? 0 : 1;
        }
        else if (on == device)
        {
            result.DeviceLocal++;
        }
        else if (owner == MigrateSelection.AnyOwner || ownerIds[on] == owner)
        {
            result.DeviceRemote++;
        }
        else
        {
            result.None++;
        }
    }

    /// <summary>Whether page <paramref name="i"/> maps a page of device <paramref name="device"/>.</summary>
    public bool OnDevice(VmaInfo vma, long i, int device)
    {
        var id = MappedAt(vma, i, out _);
        return id >= Memory.RamPages && Memory.DeviceOf(id) == device;
    }
}
