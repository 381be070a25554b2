using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;

namespace HmmEcs.Devices.Driver;

/// <summary>
/// The dummy driver's migrate callbacks toward one target (a device, or RAM when bringing pages
/// back): destinations are allocated in ascending address order by the target's rule, then the
/// copy engine moves all copies of the migration at once.
/// </summary>
public sealed partial class DummyMigrateOps : IMigrateOps
{
    private readonly PhysicalMemory _memory;
    private readonly ICopyEngine _engine;
    private readonly int _target;
    private AllocateAndCopyOnCores? _onCores;

    /// <summary>Callbacks migrating into <paramref name="target"/> (a device index, -1 for RAM).</summary>
    public DummyMigrateOps(PhysicalMemory memory, ICopyEngine engine, int target)
    {
        _memory = memory;
        _engine = engine;
        _target = target;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public CopyCost AllocAndCopy(in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst)
    {
        if (window.Units > 0)
        {
            return AllocWithFolios(window, src, dst);
        }
        if (window.Holes > 0)
        {
            return AllocWithHoles(window, src, dst);
        }
        var dev = _target < 0 ? null : _memory.Devices[_target];
        var destFlags = DestinationFlags(dev);
        if (dev is { Spec.ChunkAllocation: true })
        {
            var copies = AllocateChunks(dev, window, src, dst, destFlags);
            return copies == 0 ? default : CopyInOrder(src, dst, copies);
        }
        if (dev is not null && _engine is BatchedCopyEngine batched && batched.MovesStampsInline(_memory, src.Length))
        {
            if (window.Workers > 1 && window.PartEntries > 0 && src.Length > window.PartEntries)
            {
                return (_onCores ??= new AllocateAndCopyOnCores(_memory)).Run(dev, batched, src, dst, destFlags, window.Workers, window.PartEntries);
            }
            return AllocateAndCopyInOneWalk(dev, batched, src, dst, destFlags);
        }
        var wanted = PfnArray.CountMigrating(src);
        // The lowest free frames in ascending order go to the pages in ascending address order. The
        // ids are taken into the front of dst and spread out backwards: entry i reads id c <= i, so
        // nothing is overwritten before it is read. The copy lists are filled in the same walk.
        var ids = System.Runtime.InteropServices.MemoryMarshal.Cast<HmmPfn, long>(dst);
        var got = _memory.AllocateFrames(_target, ids[..wanted]);
        if (got == 0)
        {
            GiveUpAll(src, dst);
            return default;
        }
        var list = new CopyList(_memory, _target, got);
        var c = wanted - 1;
        for (var i = src.Length - 1; i >= 0; i--)
        {
            var entry = src[i].Value;
            if ((entry & HmmPfn.Migrate) == 0)
            {
                dst[i] = default;
                continue;
            }
            if (c >= got)
            {
                GiveUp(ref src[i], ref dst[i]);
            }
            else
            {
                var id = ids[c];
                dst[i] = HmmPfn.From(id, destFlags);
                list.Set(c, (int)(entry >> HmmPfn.Shift), (int)id);
            }
            c--;
        }
        return list.Submit(_engine, _target, src, dst);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void FinalizeAndMap(in MigrateWindow window, ReadOnlySpan<HmmPfn> src, Span<HmmPfn> dst)
    {
        // Departs from the 2016 code: its finalize_and_map only tells the driver what migrated, and no one releases a
        // destination whose page failed after allocation; here the driver frees it, as mainline's finalize does in the core.
        for (var i = PfnArray.NextOrphanedDestination(src, dst, 0); i >= 0; i = PfnArray.NextOrphanedDestination(src, dst, i + 1))
        {
            _memory.ReleaseFrame((int)dst[i].Pfn);
            dst[i] = default;
        }
    }

    /// <summary>The <c>chunk</c> rule: group <c>floor(i / chunkPages)</c> of the VMA's pages gets a wholly free chunk at least as long as it only when all of it is in the range and still migrating.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int AllocateChunks(DeviceMemory dev, in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst, ulong destFlags)
    {
        var size = dev.Spec.ChunkPages;
        var copies = 0;
        var i = 0;
        while (i < src.Length)
        {
            var vmaIndex = window.Start + i;
            var groupStart = vmaIndex / size * size;
            // A group is the VMA's pages with this group number: the VMA's last group may be short.
            var groupEnd = Math.Min(groupStart + size, window.VmaPages);
            var sliceEnd = (int)(Math.Min(groupEnd, window.End) - window.Start);
            var whole = groupStart >= window.Start && groupEnd <= window.End;
            if (whole)
            {
                for (var k = i; k < sliceEnd; k++)
                {
                    if ((src[k].Value & HmmPfn.Migrate) == 0)
                    {
                        whole = false;
                        break;
                    }
                }
            }
            var chunk = whole ? dev.AllocateChunk((int)(groupEnd - groupStart)) : -1;
            for (var k = i; k < sliceEnd; k++)
            {
                if ((src[k].Value & HmmPfn.Migrate) == 0)
                {
                    continue;
                }
                if (chunk < 0)
                {
                    src[k] = src[k].Without(HmmPfn.Migrate);
                    continue;
                }
                var page = (long)chunk * size + (window.Start + k - groupStart);
                dst[k] = HmmPfn.From(dev.FirstId + page, destFlags);
                copies++;
            }
            i = sliceEnd;
        }
        return copies;
    }

    /// <summary>Copy lists for destinations already stored in <paramref name="dst"/> (the chunk rule).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private CopyCost CopyInOrder(Span<HmmPfn> src, Span<HmmPfn> dst, int copies)
    {
        var list = new CopyList(_memory, _target, copies);
        var n = 0;
        for (var i = 0; i < src.Length; i++)
        {
            if ((src[i].Value & HmmPfn.Migrate) != 0)
            {
                list.Set(n++, (int)src[i].Pfn, (int)dst[i].Pfn);
            }
        }
        return list.Submit(_engine, _target, src, dst);
    }

    /// <summary>The flags of a destination entry in <paramref name="dev"/> (null: RAM): migrating and locked, and device memory's own.</summary>
    private static ulong DestinationFlags(DeviceMemory? dev) =>
        HmmPfn.Migrate | HmmPfn.Locked | (dev is null ? 0 : HmmPfn.Device | (dev.Spec.Addressable ? 0 : HmmPfn.Unaddressable));

    /// <summary>No destination at all (target full): every migrating page gives up.</summary>
    internal static void GiveUpAll(Span<HmmPfn> src, Span<HmmPfn> dst)
    {
        for (var i = 0; i < src.Length; i++)
        {
            GiveUp(ref src[i], ref dst[i]);
        }
    }

    /// <summary>An entry the driver has no destination for: MIGRATE cleared in <c>src</c> (the page fails with <c>alloc</c>), no <c>dst</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void GiveUp(ref HmmPfn src, ref HmmPfn dst)
    {
        src = src.Without(HmmPfn.Migrate);
        dst = default;
    }
}
