using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Tags;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Driver;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Tests.Devices;

public class DeviceMemoryTests
{
    private static PhysicalMemory Build(World world, long ram, bool bytes, params DeviceSpec[] devices)
    {
        world.RegisterEnableable<Migrate>();
        world.RegisterEnableable<Locked>();
        return new PhysicalMemory(world, ram, devices, bytes);
    }

    private static DeviceSpec Spec(string name, long pages, int chunkPages = 64, bool chunk = false, bool addressable = false) =>
        new(name, pages, chunkPages, chunk, addressable, true, CopyParams.Default);

    [Fact]
    public void EveryFrameHasItsPageEntityInTheRightArchetype()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var memory = Build(world, 100, false, Spec("gpu0", 70), Spec("cxl", 30, addressable: true), Spec("gpu1", 50));
        Assert.Equal(250, world.CountEntities(new QueryDescription().WithAll<Page>()));
        Assert.Equal(150, world.CountEntities(new QueryDescription().WithAll<Page, Device>()));
        Assert.Equal(120, world.CountEntities(new QueryDescription().WithAll<Page, Unaddressable>()));
        // Chunk entities: ceil(pages / chunkPages) per device.
        Assert.Equal(2 + 1 + 1, world.CountEntities(new QueryDescription().WithAll<HmmEcs.Components.Devices.DeviceChunk>()));
        for (var id = 0; id < memory.TotalIds; id++)
        {
            var chunk = memory.Locate(id, out _);
            var d = memory.DeviceOf(id);
            Assert.Equal(d >= 0, chunk.Has<Device>());
            Assert.Equal(d == 0 || d == 2, chunk.Has<Unaddressable>());
        }
        // Frame numbers map to distinct rows: writing each page's id reads back through the arithmetic.
        for (var id = 0; id < memory.TotalIds; id++)
        {
            memory.PageRef(id).Refcount = id;
            memory.ContentRef(id).Value = (ulong)id;
        }
        var cursor = new PageCursor(memory);
        for (var id = memory.TotalIds - 1; id >= 0; id--)
        {
            Assert.Equal(id, cursor.At(id, out _).Refcount);
            Assert.Equal((ulong)id, cursor.ContentAt(id).Value);
        }
    }

    [Fact]
    public void ACursorsTagFlipsReachTheChunkCountsWhenItMovesOnOrFlushes()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var memory = Build(world, 200, false, Spec("gpu0", 70));
        var migrating = new QueryDescription().WithAll<Page, Migrate>();
        var locked = new QueryDescription().WithAll<Page, Locked>();
        var cursor = new PageCursor(memory);
        var expected = new HashSet<int>();
        // Ids 10..149 cross chunk boundaries (the cursor flushes as it moves on); some flips repeat or undo.
        for (var id = 10; id < 150; id++)
        {
            cursor.At(id, out var row);
            cursor.SetMigrate(row, true);
            cursor.SetLocked(row, id % 3 == 0);
            if (id % 5 == 0)
            {
                cursor.SetMigrate(row, true);
                cursor.SetMigrate(row, false);
            }
            else
            {
                expected.Add(id);
            }
        }
        cursor.Flush();
        Assert.Equal(expected.Count, world.CountEntities(migrating));
        Assert.Equal(Enumerable.Range(10, 140).Count(id => id % 3 == 0), world.CountEntities(locked));
    }

    [Fact]
    public void GenerationsReadZeroUntilAFreeAndCountEachFree()
    {
        var g = new PageGenerations(200_000);
        Assert.Equal(0u, g[0]);
        Assert.Equal(0u, g[199_999]);
        g.Bump(65_535);
        g.Bump(65_536);
        g.Bump(65_536);
        g.Bump(199_999);
        Assert.Equal(1u, g[65_535]);
        Assert.Equal(2u, g[65_536]);
        Assert.Equal(1u, g[199_999]);
        Assert.Equal(0u, g[65_537]);
        Assert.Equal(0u, g[0]);
    }

    [Fact]
    public void FrameAllocatorTakesLowestFreeAndAlignedRuns()
    {
        var a = new FrameBitmap(2048);
        Assert.Equal(0, a.Allocate());
        Assert.Equal(1, a.Allocate());
        Assert.Equal(512, a.FindAlignedRun(512));
        a.Take(512, 512);
        a.Release(0);
        Assert.Equal(0, a.Allocate());
        Assert.Equal(2, a.Allocate());
        Assert.Equal(1024, a.FindAlignedRun(512));
        Assert.Equal(515, a.Used);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void LowestFreeFramesComeInOrderAcrossWholeAndPartlyUsedWords(int seed)
    {
        // Words wholly free take the 64-frame fill, others the bit-by-bit walk; both must hand out what one
        // Allocate at a time would, and the device's per-chunk free counts must follow.
        var random = new Random(seed);
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var memory = Build(world, 16, false, Spec("gpu0", 5000, chunkPages: 100));
        var dev = memory.Devices[0];
        var expected = new FrameBitmap(5000);
        for (var k = 0; k < 5000; k++)
        {
            Assert.Equal(expected.Allocate(), dev.AllocatePage());
        }
        // Scattered pages and whole runs (wholly free words among them) freed before the batches.
        for (var page = 0; page < 5000; page++)
        {
            if (page is >= 640 and < 1920 || page >= 4500 || random.Next(4) == 0)
            {
                expected.Release(page);
                dev.Release(page);
            }
        }
        while (dev.Free > 0)
        {
            var into = new long[Math.Min(1 + random.Next(700), (int)dev.Free)];
            Assert.Equal(into.Length, dev.AllocatePages(into));
            foreach (var page in into)
            {
                Assert.Equal(expected.Allocate(), page);
            }
            for (var c = 0; c < dev.ChunkCount; c++)
            {
                var free = 0;
                for (var page = c * 100; page < (c + 1) * 100; page++)
                {
                    free += dev.IsUsed(page) ? 0 : 1;
                }
                Assert.Equal(free, dev.ChunkFree(c));
            }
        }
        Assert.Equal(5000, expected.Used);
    }

    [Fact]
    public void PageRuleAndChunkRule()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var memory = Build(world, 16, false, Spec("gpu0", 200, chunkPages: 64));
        var dev = memory.Devices[0];
        Assert.Equal(4, dev.ChunkCount);
        Assert.Equal(0, dev.AllocatePage());
        Assert.Equal(1, dev.AllocatePage());
        // Chunk 0 is partly used; the lowest whole free chunk is 1; chunk 3 (8 pages) serves only a group of ≤ 8.
        Assert.Equal(1, dev.AllocateChunk(64));
        Assert.Equal(2, dev.AllocateChunk(64));
        Assert.Equal(-1, dev.AllocateChunk(64));
        Assert.Equal(2 + 128, dev.Used);
        dev.Release(0);
        dev.Release(1);
        Assert.Equal(0, dev.AllocateChunk(64));
        dev.SyncChunks(world);
        Assert.Equal(0, dev.ChunkFreeRecorded(world, 0));
        Assert.Equal(8, dev.ChunkFreeRecorded(world, 3));
        // A short group (a VMA's last, 5 pages) takes the short chunk, only its own pages.
        Assert.Equal(-1, dev.AllocateChunk(9));
        Assert.Equal(3, dev.AllocateChunk(5));
        Assert.Equal(2 + 128 + 64 - 2 + 5, dev.Used);
        Assert.Equal(-1, dev.AllocateChunk(1));
    }

    [Fact]
    public void DriverAllocatesAscendingCopiesContentAndCostsThroughTheModel()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var memory = Build(world, 256, false, Spec("gpu0", 256));
        var driver = new DummyDevice(memory, 0, new SynchronousCopyEngine());
        var src = new HmmPfn[10];
        for (var i = 0; i < src.Length; i++)
        {
            var id = memory.AllocateFrame(-1);
            memory.InitFrame(id, PageFlags.Anon);
            memory.ContentRef(id).Value = 1000UL + (ulong)i;
            src[i] = HmmPfn.From(id, i == 4 ? 0 : HmmPfn.Migrate | HmmPfn.Locked);
        }
        memory.Devices[0].AllocatePage();
        var dst = new HmmPfn[10];
        var cost = driver.MigrateInto.AllocAndCopy(new MigrateWindow(0, 10), src, dst);
        Assert.Equal(0UL, dst[4].Value);
        long expected = memory.Devices[0].FirstId + 1;
        for (var i = 0; i < 10; i++)
        {
            if (i == 4)
            {
                continue;
            }
            Assert.True(dst[i].Has(HmmPfn.Migrate | HmmPfn.Locked | HmmPfn.Device | HmmPfn.Unaddressable));
            Assert.Equal(expected++, dst[i].Pfn);
            Assert.Equal(1000UL + (ulong)i, memory.ContentRef((int)dst[i].Pfn).Value);
            Assert.True(memory.HasTag<Locked>((int)dst[i].Pfn));
        }
        var frames = new long[9];
        var dframes = new long[9];
        for (int i = 0, k = 0; i < 10; i++)
        {
            if (i != 4)
            {
                frames[k] = src[i].Pfn;
                dframes[k++] = memory.FrameOf((int)dst[i].Pfn);
            }
        }
        Assert.Equal(CopyModel.Cost(frames, dframes, CopyParams.Default, new double[1]), cost);
        Assert.Equal(2, cost.Batches);
        // Finalize drops the destination of a page that failed after allocation.
        src[0] = src[0].Without(HmmPfn.Migrate);
        var freed = (int)dst[0].Pfn;
        driver.MigrateInto.FinalizeAndMap(new MigrateWindow(0, 10), src, dst);
        Assert.Equal(0UL, dst[0].Value);
        Assert.False(memory.Devices[0].IsUsed(freed - memory.Devices[0].FirstId));
        Assert.Equal(9, memory.Devices[0].Used);
    }

    [Fact]
    public void DriverGivesUpWhenTheTargetIsFull()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var memory = Build(world, 64, false, Spec("gpu0", 3));
        var driver = new DummyDevice(memory, 0, new SynchronousCopyEngine());
        var src = new HmmPfn[5];
        for (var i = 0; i < 5; i++)
        {
            src[i] = HmmPfn.From(memory.AllocateFrame(-1), HmmPfn.Migrate);
        }
        var dst = new HmmPfn[5];
        driver.MigrateInto.AllocAndCopy(new MigrateWindow(0, 5), src, dst);
        Assert.Equal(3, src.Count(p => p.Has(HmmPfn.Migrate)));
        Assert.False(src[3].Has(HmmPfn.Migrate));
        Assert.False(src[4].Has(HmmPfn.Migrate));
    }

    [Fact]
    public void BytesPayloadIsAllocatedOnlyForNonZeroPages()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var memory = Build(world, 64, true);
        var idA = memory.AllocateFrame(-1);
        memory.InitFrame(idA, PageFlags.Anon);
        ref var a = ref memory.ContentRef(idA);
        Assert.Equal(0, memory.Payloads.InUse);
        memory.Write(ref a, HmmEcs.Components.Content.Stamp.Of(3, 9));
        Assert.Equal(1, memory.Payloads.InUse);
        var idB = memory.AllocateFrame(-1);
        memory.InitFrame(idB, PageFlags.Anon);
        ref var b = ref memory.ContentRef(idB);
        memory.CopyContent(a, ref b);
        Assert.Equal(2, memory.Payloads.InUse);
        Assert.Equal(HmmEcs.Components.Content.Stamp.Of(3, 9), memory.ContentOf(b));
        memory.ReleaseFrame(0);
        memory.ReleaseFrame(1);
        Assert.Equal(0, memory.Payloads.InUse);
    }

    [Fact]
    public void ThePageFreeCallbackTakesBackADevicePageTheKernelDropped()
    {
        using var world = new World(new WorldOptions { ChunkCapacity = 64 });
        var memory = Build(world, 64, true, Spec("gpu0", 8));
        var driver = new DummyDevice(memory, 0, new SynchronousCopyEngine());
        var id = memory.AllocateFrame(0);
        memory.InitFrame(id, PageFlags.Anon);
        memory.Write(ref memory.ContentRef(id), HmmEcs.Components.Content.Stamp.Of(1, 2));
        memory.Locate(id, out var row).SetEnabled<Locked>(row, true);
        var generations = memory.TrackGenerations();

        memory.DropPage(id);
        Assert.Equal(0, memory.Payloads.InUse);
        Assert.False(memory.HasTag<Locked>(id));
        Assert.Equal(1u, generations[id]);
        Assert.Equal(1, memory.Devices[0].Used);
        driver.PageFree(id);
        Assert.Equal(0, memory.Devices[0].Used);
        Assert.Equal(id, memory.AllocateFrame(0));
    }
}
