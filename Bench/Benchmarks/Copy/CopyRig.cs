using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Tags;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Benchmarks.Copy;

/// <summary>
/// A machine with <c>pages</c> written RAM pages and a device of the same size, plus one migration's
/// entry arrays: RAM page i → device page, every <c>pinnedEvery</c>-th source not migrating (as a
/// pinned page), destinations the device's lowest pages in order (as the driver allocates them).
/// </summary>
internal sealed class CopyRig : IDisposable
{
    public CopyRig(int pages, bool bytes, int pinnedEvery)
    {
        World = new World();
        World.RegisterEnableable<HmmEcs.Components.Tags.Migrate>();
        World.RegisterEnableable<Locked>();
        Memory = new PhysicalMemory(World, pages, [new DeviceSpec("gpu0", pages, 512, false, false, true, CopyParams.Default)], bytes);
        Src = new HmmPfn[pages];
        Dst = new HmmPfn[pages];
        var srcFrames = new List<long>(pages);
        var dstFrames = new List<long>(pages);
        var firstDevice = Memory.Devices[0].FirstId;
        var next = 0;
        for (var i = 0; i < pages; i++)
        {
            var id = Memory.AllocateFrame(-1);
            Memory.InitFrame(id, PageFlags.Anon);
            Memory.Write(ref Memory.ContentRef(id), Components.Content.Stamp.Of(1, i));
            if (pinnedEvery > 0 && i % pinnedEvery == 0)
            {
                Src[i] = HmmPfn.From(id, HmmPfn.Locked);
                continue;
            }
            Src[i] = HmmPfn.From(id, HmmPfn.Migrate | HmmPfn.Locked);
            Dst[i] = HmmPfn.From(firstDevice + next, HmmPfn.Migrate | HmmPfn.Locked | HmmPfn.Device | HmmPfn.Unaddressable);
            Memory.InitFrame(firstDevice + next, 0);
            srcFrames.Add(id);
            dstFrames.Add(next++);
        }
        SrcFrames = srcFrames.ToArray();
        DstFrames = dstFrames.ToArray();
    }

    public World World { get; }

    public PhysicalMemory Memory { get; }

    public HmmPfn[] Src { get; }

    public HmmPfn[] Dst { get; }

    public long[] SrcFrames { get; }

    public long[] DstFrames { get; }

    public void Dispose() => World.Dispose();
}
