using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Tags;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Tests.Devices;

public class CopyEngineTests
{
    private const int RamPages = 4096;
    private const int DevicePages = 4096;

    /// <summary>A machine whose RAM holds written pages (every 5th zero, so without a payload in bytes mode).</summary>
    private sealed class Rig : IDisposable
    {
        public Rig(bool bytes)
        {
            World = new World(new WorldOptions { ChunkCapacity = 256 });
            World.RegisterEnableable<Migrate>();
            World.RegisterEnableable<Locked>();
            Memory = new PhysicalMemory(World, RamPages, [new DeviceSpec("gpu0", DevicePages, 64, false, false, true, CopyParams.Default)], bytes);
            for (var i = 0; i < RamPages; i++)
            {
                var id = Memory.AllocateFrame(-1);
                Memory.InitFrame(id, PageFlags.Anon);
                Memory.Write(ref Memory.ContentRef(id), i % 5 == 0 ? 0 : Stamp(id));
            }
        }

        public World World { get; }

        public PhysicalMemory Memory { get; }

        public int DeviceId(long page) => Memory.Devices[0].FirstId + (int)page;

        public void Dispose() => World.Dispose();
    }

    private static ulong Stamp(int id) => HmmEcs.Components.Content.Stamp.Of(7, id);

    /// <summary>
    /// A submission of <paramref name="n"/> entries: sources in runs of random RAM pages, some entries
    /// not migrating (pinned), destinations ascending device pages with some gaps.
    /// </summary>
    private static (HmmPfn[] Src, HmmPfn[] Dst, long[] SrcFrames, long[] DstFrames) Submission(Rig rig, int n, int seed)
    {
        var rng = new Random(seed);
        var src = new HmmPfn[n];
        var dst = new HmmPfn[n];
        var srcFrames = new List<long>();
        var dstFrames = new List<long>();
        var used = new HashSet<int>();
        long next = rng.Next(0, 4);
        var s = rng.Next(0, RamPages);
        for (var i = 0; i < n; i++)
        {
            s = rng.NextDouble() < 0.05 ? rng.Next(0, RamPages) : (s + 1) % RamPages;
            while (!used.Add(s))
            {
                s = rng.Next(0, RamPages);
            }
            if (rng.NextDouble() < 0.03)
            {
                src[i] = HmmPfn.From(s, HmmPfn.Locked);
                continue;
            }
            next += rng.NextDouble() < 0.02 ? 2 : 1;
            src[i] = HmmPfn.From(s, HmmPfn.Migrate | HmmPfn.Locked);
            dst[i] = HmmPfn.From(rig.DeviceId(next), HmmPfn.Migrate | HmmPfn.Locked | HmmPfn.Device);
            rig.Memory.InitFrame(rig.DeviceId(next), 0);
            srcFrames.Add(s);
            dstFrames.Add(next);
        }
        return (src, dst, srcFrames.ToArray(), dstFrames.ToArray());
    }

    private static byte[] BytesOf(PhysicalMemory memory, int id)
    {
        var payload = memory.ContentRef(id).Payload;
        return payload < 0 ? new byte[4096] : memory.Payloads.Bytes(payload).ToArray();
    }

    [Theory]
    [InlineData(false, 1, 100)]
    [InlineData(false, 4, 7)]
    [InlineData(true, 1, 1)]
    [InlineData(true, 4, 0)]
    public void EntryOrderGivesTheCommandsAndContentOfTheFrameLists(bool bytes, int workers, int maxBatch)
    {
        using var byLists = new Rig(bytes);
        using var byEntries = new Rig(bytes);
        var a = Submission(byLists, 3000, 23);
        var b = Submission(byEntries, 3000, 23);
        var p = new CopyParams(2, 24, 5, maxBatch);
        var lists = new BatchedCopyEngine(bytesParallelPages: 16, tokenParallelPages: 16, maxWorkers: workers);
        var entries = new BatchedCopyEngine(bytesParallelPages: 16, tokenParallelPages: 16, maxWorkers: workers);
        var expected = lists.Copy(byLists.Memory, a.Src, a.Dst, a.SrcFrames, a.DstFrames, p);

        Assert.True(entries.TryCopyInEntryOrder(byEntries.Memory, b.Src, b.Dst, b.SrcFrames.Length, p, out var cost));
        Assert.Equal(expected, cost);
        Assert.Equal(lists.LastCommands.ToArray(), entries.LastCommands.ToArray());
        for (var i = 0; i < a.Src.Length; i++)
        {
            if (a.Src[i].Has(HmmPfn.Migrate))
            {
                if (bytes)
                {
                    Assert.Equal(BytesOf(byLists.Memory, (int)a.Dst[i].Pfn), BytesOf(byEntries.Memory, (int)b.Dst[i].Pfn));
                }
                else
                {
                    Assert.Equal(byLists.Memory.ContentRef((int)a.Dst[i].Pfn).Value, byEntries.Memory.ContentRef((int)b.Dst[i].Pfn).Value);
                }
            }
        }
        // The plain engine agrees too.
        using var plain = new Rig(bytes);
        var c = Submission(plain, 3000, 23);
        Assert.True(new SynchronousCopyEngine().TryCopyInEntryOrder(plain.Memory, c.Src, c.Dst, c.SrcFrames.Length, p, out var plainCost));
        Assert.Equal(expected, plainCost);
    }

    [Fact]
    public void EntryOrderRefusesDestinationsThatDoNotAscendAndCopiesNothing()
    {
        using var rig = new Rig(false);
        var (src, dst, srcFrames, _) = Submission(rig, 200, 5);
        var last = Array.FindLastIndex(src, e => e.Has(HmmPfn.Migrate));
        var first = Array.FindIndex(src, e => e.Has(HmmPfn.Migrate));
        (dst[first], dst[last]) = (dst[last], dst[first]);
        var before = rig.Memory.ContentRef((int)dst[first].Pfn).Value;
        foreach (var engine in new ICopyEngine[] { new BatchedCopyEngine(), new SynchronousCopyEngine() })
        {
            Assert.False(engine.TryCopyInEntryOrder(rig.Memory, src, dst, srcFrames.Length, CopyParams.Default, out _));
            Assert.Equal(before, rig.Memory.ContentRef((int)dst[first].Pfn).Value);
        }
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 4)]
    [InlineData(true, 1)]
    [InlineData(true, 4)]
    public void ContentMovesAndCostsFollowTheModel(bool bytes, int workers)
    {
        using var rig = new Rig(bytes);
        var (src, dst, srcFrames, dstFrames) = Submission(rig, 3000, 11);
        var engine = new BatchedCopyEngine(bytesParallelPages: 16, tokenParallelPages: 16, maxWorkers: workers);
        var p = new CopyParams(2, 24, 5, 100);
        var cost = engine.Copy(rig.Memory, src, dst, srcFrames, dstFrames, p);

        Assert.Equal(CopyModel.Cost(srcFrames, dstFrames, p, new double[2]), cost);
        Assert.Equal(cost.Batches, engine.LastCommands.Length);
        Assert.Equal(workers, engine.LastWorkers);
        var moved = 0;
        for (var i = 0; i < src.Length; i++)
        {
            if (!src[i].Has(HmmPfn.Migrate))
            {
                continue;
            }
            var from = (int)src[i].Pfn;
            var to = (int)dst[i].Pfn;
            var expected = from % 5 == 0 ? 0 : Stamp(from);
            Assert.Equal(expected, rig.Memory.ContentOf(rig.Memory.ContentRef(to)));
            if (bytes)
            {
                Assert.Equal(BytesOf(rig.Memory, from), BytesOf(rig.Memory, to));
                Assert.Equal(expected == 0, rig.Memory.ContentRef(to).Payload < 0);
            }
            moved++;
        }
        Assert.Equal(srcFrames.Length, moved);
        // Destination frames that took no copy stay empty.
        var dstIds = dst.Where(d => d.Value != 0).Select(d => (int)d.Pfn).ToHashSet();
        for (var page = 0; page < DevicePages; page++)
        {
            if (!dstIds.Contains(rig.DeviceId(page)))
            {
                Assert.Equal(0UL, rig.Memory.ContentOf(rig.Memory.ContentRef(rig.DeviceId(page))));
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ParallelPathEqualsSerialPath(bool bytes)
    {
        using var serialRig = new Rig(bytes);
        using var parallelRig = new Rig(bytes);
        var a = Submission(serialRig, 3500, 5);
        var b = Submission(parallelRig, 3500, 5);
        var serial = new BatchedCopyEngine(int.MaxValue, int.MaxValue);
        var parallel = new BatchedCopyEngine(1, 1, maxWorkers: 3);
        var p = new CopyParams(3, 12, 2, 64);
        var serialCost = serial.Copy(serialRig.Memory, a.Src, a.Dst, a.SrcFrames, a.DstFrames, p);
        var parallelCost = parallel.Copy(parallelRig.Memory, b.Src, b.Dst, b.SrcFrames, b.DstFrames, p);

        Assert.Equal(1, serial.LastWorkers);
        Assert.Equal(3, parallel.LastWorkers);
        Assert.Equal(serialCost, parallelCost);
        Assert.True(serial.LastCommands.SequenceEqual(parallel.LastCommands));
        for (var id = 0; id < serialRig.Memory.TotalIds; id++)
        {
            var x = serialRig.Memory.ContentRef(id);
            var y = parallelRig.Memory.ContentRef(id);
            Assert.Equal(x.Value, y.Value);
            if (bytes)
            {
                Assert.Equal(BytesOf(serialRig.Memory, id), BytesOf(parallelRig.Memory, id));
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OnePageSubmissionStaysOnTheCallingThread(bool bytes)
    {
        using var rig = new Rig(bytes);
        var engine = new BatchedCopyEngine(maxWorkers: 4);
        var to = rig.DeviceId(9);
        rig.Memory.InitFrame(to, 0);
        HmmPfn[] src = [HmmPfn.From(3, HmmPfn.Migrate)];
        HmmPfn[] dst = [HmmPfn.From(to, HmmPfn.Migrate | HmmPfn.Device)];
        var cost = engine.Copy(rig.Memory, src, dst, [3L], [9L], CopyParams.Default);

        Assert.Equal(new CopyCost(1, 1, CopyParams.Default.CommandUs(1)), cost);
        Assert.Equal(1, engine.LastWorkers);
        Assert.Equal(new CopyCommand(0, 0, CopyParams.Default.CommandUs(1), 0, 1, 3, 9), engine.LastCommands[0]);
        Assert.Equal(Stamp(3), rig.Memory.ContentOf(rig.Memory.ContentRef(to)));
    }

    [Fact]
    public void LargeSubmissionCopiesWholeRunsAcrossWorkers()
    {
        // Fresh range: 2048 consecutive pages into consecutive device pages, four 512-page commands on two engines.
        using var rig = new Rig(true);
        var src = new HmmPfn[2048];
        var dst = new HmmPfn[2048];
        var frames = new long[2048];
        for (var i = 0; i < src.Length; i++)
        {
            src[i] = HmmPfn.From(i + 1000, HmmPfn.Migrate);
            dst[i] = HmmPfn.From(rig.DeviceId(i), HmmPfn.Migrate | HmmPfn.Device);
            rig.Memory.InitFrame(rig.DeviceId(i), 0);
            frames[i] = i;
        }
        var engine = new BatchedCopyEngine(maxWorkers: 2);
        var p = new CopyParams(Engines: 2);
        var cost = engine.Copy(rig.Memory, src, dst, frames.Select(f => f + 1000).ToArray(), frames, p);
        Assert.Equal(2, engine.LastWorkers);
        Assert.Equal(4, cost.Batches);
        Assert.Equal(new[] { 0, 1, 0, 1 }, engine.LastCommands.ToArray().Select(c => c.Engine).ToArray());
        for (var i = 0; i < src.Length; i++)
        {
            Assert.Equal(BytesOf(rig.Memory, i + 1000), BytesOf(rig.Memory, rig.DeviceId(i)));
        }
    }
}
