using HmmEcs.Components.Content;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>
/// The scalar reference pipeline: the 2016 helper written plainly, objects per page and PTE,
/// one loop per phase. The oracle the ECS engine is tested against, and its baseline.
/// The operations live in partial files by area (faults, migration, checker).
/// </summary>
public sealed partial class ReferenceMachine : MachineFront
{
    private const int HugePages = PageGeometry.PmdPages;

    /// <summary>Processes by number, in creation order.</summary>
    private readonly List<RefProcess> _processOrder = [];
    /// <summary>VMAs by number (an unmapped VMA keeps its number).</summary>
    private readonly List<RefVma> _vmas = [];
    private readonly RefFrameAllocator _ram;
    private readonly RefPage?[] _ramPages;
    private readonly RefDevice[] _devices;
    /// <summary>Per device, the mirror-entry identity of its page 0: RAM's frames come first, then each device's pages, as the ECS numbers page ids.</summary>
    private readonly int[] _firstMirrorKey;
    private readonly HashSet<RefSwapSlot> _swapSlots = [];
    private readonly Stack<byte[]> _freeBuffers = new();
    private readonly bool _bytes;
    private MigrationRun _run = new();
    /// <summary>The run of a call made while another is between phases (a race), made on first need.</summary>
    private MigrationRun? _nestedRun;
    /// <summary>The run of the call in flight, null between calls.</summary>
    private MigrationRun? _migrating;
    private long _lruCount;
    private long _pinnedPages;
    private long _lockedPages;

    /// <summary>Builds an empty machine of <paramref name="config"/>.</summary>
    public ReferenceMachine(MachineConfig config)
        : base(config)
    {
        _bytes = config.Payload == PayloadMode.Bytes;
        _ram = new RefFrameAllocator(config.RamPages, HugePages);
        _ramPages = new RefPage?[config.RamPages];
        var list = config.DeviceList;
        _devices = new RefDevice[list.Count];
        _firstMirrorKey = new int[list.Count];
        var firstKey = config.RamPages;
        for (var d = 0; d < list.Count; d++)
        {
            _devices[d] = new RefDevice(list[d]);
            _firstMirrorKey[d] = checked((int)firstKey);
            firstKey += list[d].Pages;
        }
    }

    /// <inheritdoc/>
    public override string EngineName => "reference";

    private protected override int CreateProcessCore(string name)
    {
        _processOrder.Add(new RefProcess(name));
        return _processOrder.Count - 1;
    }

    private protected override int MmapCore(int process, string name, long pages, VmaKind kind, PageProt prot, bool thp)
    {
        var mapping = new RefMapping(pages, kind is VmaKind.File or VmaKind.SharedAnon);
        var file = kind == VmaKind.FilePrivate ? new RefMapping(pages, true) : null;
        return AddVma(new RefVma(_processOrder[process], name, pages, kind, prot, thp, mapping, file));
    }

    private protected override int ForkCore(int parent, string child, List<int> childVmas)
    {
        var c = new RefProcess(child);
        _processOrder.Add(c);
        foreach (var pv in _processOrder[parent].Order)
        {
            var cv = new RefVma(c, pv.Name, pv.Pages, pv.Kind, PageProt.None, pv.Thp, pv.Mapping, pv.FileMapping) { PgOff = pv.PgOff };
            childVmas.Add(AddVma(cv));
            Array.Copy(pv.Prot, cv.Prot, pv.Prot.Length);
            Array.Copy(pv.HugePmd, cv.HugePmd, pv.HugePmd.Length);
            if (!pv.IsShared)
            {
                Array.Copy(pv.Shadow, cv.Shadow, pv.Shadow.Length);
                // Fork's write-protect of a COW mapping invalidates the parent's range for every mirror.
                pv.Mirror?.Clear();
            }
            var src = pv.Ptes;
            var dst = cv.Ptes;
            for (long i = 0; i < src.Length; i++)
            {
                ref var pte = ref src[i];
                switch (pte.Kind)
                {
                    case PteKind.Present:
                    case PteKind.DevicePrivate:
                        if (!pv.IsShared)
                        {
                            // Private memory becomes copy-on-write: read-only in both.
                            pte.Write = false;
                        }
                        dst[i] = pte;
                        AddMap(pte.Page!);
                        break;
                    case PteKind.Swap:
                        dst[i] = pte;
                        pte.Slot!.Count++;
                        break;
                    case PteKind.Zero:
                        // The zero page's special PTE is copied as it is: no reference, read-only already.
                        dst[i] = pte;
                        break;
                    case PteKind.Migration:
                        throw new InvalidOperationException("migration entry outside a migration");
                }
            }
        }
        return _processOrder.Count - 1;
    }

    private protected override void MprotectCore(int vma, long first, long count, PageProt prot)
    {
        var v = _vmas[vma];
        v.Mirror?.ClearRange(first, count);
        SplitHugeAtEdges(v, first, count);
        Array.Fill(v.Prot, prot, checked((int)first), checked((int)count));
        var ptes = v.Ptes;
        for (var i = first; i < first + count; i++)
        {
            if (prot != PageProt.ReadWrite)
            {
                ptes[i].Write = false;
            }
            else if (v.Kind == VmaKind.SharedAnon && ptes[i].Kind == PteKind.Present)
            {
                // shmem has no write-notify: its present PTEs take the new, writable protection (file and private ones stay read-only).
                ptes[i].Write = true;
            }
        }
    }

    private protected override int MremapCore(int process, int vma, long first, long count, string name, long pages, bool dontUnmap)
    {
        var v = _vmas[vma];
        v.Mirror?.ClearRange(first, count);
        // Departure: move_pgt_entry moves a huge PMD whole when both addresses are 2 MiB-aligned; here every huge PMD of
        // the range is split first (the page stays compound, PTE-mapped at its new address).
        for (var r = first / HugePages; r <= (first + count - 1) / HugePages; r++)
        {
            v.HugePmd[r] = false;
        }
        // The new VMA shares the anon_vma: its page 0 maps the mapping's index first + PgOff.
        var dst = new RefVma(v.Owner, name, pages, v.Kind, v.Prot[first], v.Thp, v.Mapping) { PgOff = v.PgOff + first };
        var id = AddVma(dst);
        var moved = Math.Min(count, pages);
        for (long k = 0; k < moved; k++)
        {
            // move_ptes: the entry moves as it is (present, swap, device-private); the page keeps its index.
            dst.Ptes[k] = v.Ptes[first + k];
            v.Ptes[first + k] = default;
            dst.Shadow[k] = v.Shadow[first + k];
            v.Shadow[first + k] = 0;
        }
        for (var i = first + moved; i < first + count; i++)
        {
            DropEntry(ref v.Ptes[i]);
            v.Shadow[i] = 0;
        }
        if (!dontUnmap)
        {
            Array.Fill(v.Prot, PageProt.Unmapped, checked((int)first), checked((int)count));
        }
        return id;
    }

    private protected override void MunmapRangeCore(int vma, long first, long count)
    {
        var v = _vmas[vma];
        v.Mirror?.ClearRange(first, count);
        SplitHugeAtEdges(v, first, count);
        for (var i = first; i < first + count; i++)
        {
            if (i % HugePages == 0)
            {
                // A huge PMD wholly inside the range goes with its PTEs (its subpages' references drop one by one below).
                v.HugePmd[i / HugePages] = false;
            }
            DropEntry(ref v.Ptes[i]);
            if (!v.IsShared)
            {
                v.Shadow[i] = 0;
            }
        }
        Array.Fill(v.Prot, PageProt.Unmapped, checked((int)first), checked((int)count));
    }

    /// <summary>Splits the huge PMDs that <c>[first, first + count)</c> covers only in part (the VMA splits inside them).</summary>
    private static void SplitHugeAtEdges(RefVma v, long first, long count)
    {
        var end = first + count;
        foreach (var r in (ReadOnlySpan<long>)[first / HugePages, (end - 1) / HugePages])
        {
            if (first > r * HugePages || end < (r + 1) * HugePages)
            {
                // The PTEs already describe the subpages: a split only clears the flag.
                v.HugePmd[r] = false;
            }
        }
    }

    /// <summary>Drops the reference an entry holds (page or swap slot) and makes it none.</summary>
    private void DropEntry(ref RefPte pte)
    {
        switch (pte.Kind)
        {
            case PteKind.Present:
            case PteKind.DevicePrivate:
                RemoveMap(pte.Page!);
                break;
            case PteKind.Swap:
                DropSlot(pte.Slot!);
                break;
        }
        pte = default;
    }

    private protected override void MunmapCore(int process, int vma)
    {
        var v = _vmas[vma];
        var ptes = v.Ptes;
        for (long i = 0; i < ptes.Length; i++)
        {
            DropEntry(ref ptes[i]);
        }
        v.Mirror?.Clear();
        _processOrder[process].Order.Remove(v);
        v.Mapping.Vmas.Remove(v);
        v.FileMapping?.Vmas.Remove(v);
        var mapping = v.FileMapping ?? v.Mapping;
        if (mapping.Cache is { } cache && mapping.Vmas.Count == 0)
        {
            // The last mapper of the file is gone: its page cache goes with it.
            for (long i = 0; i < cache.Length; i++)
            {
                if (cache[i] is { } page)
                {
                    cache[i] = null;
                    page.Cached = false;
                    DropRef(page);
                }
            }
        }
    }

    private protected override void VerifyCore(int vma, long first, long count, bool seq, ulong salt, VerifyResult result)
    {
        var v = _vmas[vma];
        for (var i = first; i < first + count; i++)
        {
            var expected = seq ? Stamp.Of(salt, i) : 0;
            var residence = Describe(v, i, out var device, out var page, out var slot);
            switch (residence)
            {
                case Residence.Hole: result.Hole++; break;
                case Residence.Ram: result.Ram++; break;
                case Residence.Swap: result.Swap++; break;
                case Residence.Zero: result.Zero++; break;
                default: result.Device[device]++; break;
            }
            bool ok;
            if (page is not null)
            {
                ok = Holds(page, expected);
            }
            else if (slot is not null)
            {
                ok = _bytes ? Stamp.Matches(expected, slot.Bytes) : slot.Stamp == expected;
            }
            else
            {
                ok = expected == 0;
            }
            result.Checked++;
            if (!ok)
            {
                result.Mismatches++;
            }
        }
    }

    private protected override void InspectCore(int vma, long first, Span<PageView> dest)
    {
        var v = _vmas[vma];
        for (var k = 0; k < dest.Length; k++)
        {
            var i = first + k;
            var residence = Describe(v, i, out var device, out var page, out var slot);
            ulong content = 0;
            if (page is not null)
            {
                content = ContentOf(page);
            }
            else if (slot is not null)
            {
                content = _bytes ? ContentOf(slot.Bytes!) : slot.Stamp;
            }
            var pte = v.Ptes[i];
            dest[k] = new PageView(residence, device, content, pte.MapsPage && pte.Write);
        }
    }

    private protected override StatsResult StatsCore()
    {
        var s = new StatsResult
        {
            RamUsed = _ram.Used,
            RamFree = _ram.Free,
            DeviceUsed = new long[_devices.Length],
            DeviceFree = new long[_devices.Length],
            Pinned = _pinnedPages,
            Locked = _lockedPages,
        };
        foreach (var slot in _swapSlots)
        {
            s.SwapCache += slot.Cache is null ? 0 : 1;
        }
        for (var d = 0; d < _devices.Length; d++)
        {
            s.DeviceUsed[d] = _devices[d].Allocator.Used;
            s.DeviceFree[d] = _devices[d].Allocator.Free;
        }
        return s;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
    }

    /// <summary>Numbers a new VMA and puts it last in its process.</summary>
    private int AddVma(RefVma v)
    {
        v.Owner.Order.Add(v);
        _vmas.Add(v);
        return _vmas.Count - 1;
    }

    /// <summary>Where page <paramref name="i"/> of <paramref name="v"/> lives, and the page or slot holding its content.</summary>
    private Residence Describe(RefVma v, long i, out int device, out RefPage? page, out RefSwapSlot? slot)
    {
        ref var pte = ref v.Ptes[i];
        device = -1;
        page = null;
        slot = null;
        switch (pte.Kind)
        {
            case PteKind.Present:
            case PteKind.DevicePrivate:
            case PteKind.Migration:
                page = pte.Page!;
                device = page.Device;
                return device < 0 ? Residence.Ram : Residence.Device;
            case PteKind.Swap:
                slot = pte.Slot;
                return Residence.Swap;
            case PteKind.Zero:
                return Residence.Zero;
            default:
                // A hole of a file reads the page cache, without mapping it.
                page = v.Cache?[i];
                return Residence.Hole;
        }
    }
}
