using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;

namespace HmmEcs.Devices.Driver;

// Mainline's holes (src MIGRATE without VALID): a destination allocated like any other, zero-filled, never copied.
public sealed partial class DummyMigrateOps
{
    /// <summary>
    /// alloc_and_copy of a call with holes: destinations in ascending address order for pages and holes alike (the
    /// target's page or chunk rule), each hole's destination zero-filled (no copy command), the pages' copies submitted
    /// as usual.
    /// </summary>
    private CopyCost AllocWithHoles(in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst)
    {
        var dev = _target < 0 ? null : _memory.Devices[_target];
        var destFlags = DestinationFlags(dev);
        AllocateBasePages(dev, window, src, dst, destFlags);
        return FillHolesAndCopy(window, src, dst);
    }

    /// <summary>
    /// Destinations for every entry still migrating, in ascending address order, by the target's page or chunk rule; an
    /// entry left without one loses MIGRATE. The destinations of other entries are left as they are.
    /// </summary>
    private void AllocateBasePages(DeviceMemory? dev, in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst, ulong destFlags)
    {
        if (dev is { Spec.ChunkAllocation: true })
        {
            AllocateChunks(dev, window, src, dst, destFlags);
            return;
        }
        var ids = new long[PfnArray.CountMigrating(src)];
        var got = _memory.AllocateFrames(_target, ids);
        var c = 0;
        for (var i = 0; i < src.Length; i++)
        {
            if ((src[i].Value & HmmPfn.Migrate) == 0)
            {
                continue;
            }
            if (c < got)
            {
                dst[i] = HmmPfn.From(ids[c++], destFlags);
            }
            else
            {
                src[i] = src[i].Without(HmmPfn.Migrate);
                dst[i] = default;
            }
        }
    }

    /// <summary>Zero-fills each hole's destination (no copy command) and submits the pages' copies to the copy engine.</summary>
    private CopyCost FillHolesAndCopy(in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst)
    {
        // Holes leave the copy lists: zero-filled here, hidden from the copy engine while it plans, then handed back.
        var holes = new List<int>(window.Holes);
        var copies = 0;
        var pages = new PageCursor(_memory);
        for (var i = 0; i < src.Length; i++)
        {
            var entry = src[i].Value;
            if ((entry & HmmPfn.Migrate) == 0)
            {
                continue;
            }
            if ((entry & HmmPfn.Valid) != 0)
            {
                copies++;
                continue;
            }
            ref var page = ref pages.At((int)dst[i].Pfn, out var row);
            page = Page.Free;
            page.Flags = PageFlags.Allocated;
            pages.ContentOfRow(row) = default;
            pages.SetLocked(row, true);
            holes.Add(i);
            src[i] = default;
        }
        pages.Flush();
        var cost = copies == 0 ? default : CopyInOrder(src, dst, copies);
        foreach (var i in holes)
        {
            src[i] = new HmmPfn(HmmPfn.Migrate);
        }
        return cost;
    }
}
