using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Reference;

/// <summary>Every migrate reason, with the failed pages restored exactly (mapping, write bit, content).</summary>
public class MigrateReasonTests
{
    private static Rig Written(long pages, params DeviceConfig[] devices)
    {
        var rig = new Rig(65536, PayloadMode.Token, devices.Length == 0 ? [new DeviceConfig("gpu0", 8192)] : devices);
        rig.Process("p");
        rig.Mmap("p", "buf", pages);
        rig.Write("p", "buf", 5);
        return rig;
    }

    /// <summary>Pages whose outcome is a failure keep exactly the view they had before.</summary>
    private static void AssertRestored(PageView[] before, PageView[] after, MigrateResult r)
    {
        for (var k = 0; k < before.Length; k++)
        {
            if (r.PageOutcomes[k] != MigrateReason.None)
            {
                Assert.Equal(before[k], after[k]);
            }
            else
            {
                Assert.Equal(before[k].Content, after[k].Content);
                Assert.Equal(before[k].Writable, after[k].Writable && after[k].Residence != Residence.Device || before[k].Writable && after[k].Residence == Residence.Device);
            }
        }
    }

    [Fact]
    public void HoleAndSwap()
    {
        using var rig = new Rig(65536, PayloadMode.Token, new DeviceConfig("gpu0", 8192));
        rig.Process("p");
        rig.Mmap("p", "buf", 1024);
        rig.Write("p", "buf", 1, first: 0, count: 512);
        Assert.Equal(100, rig.SwapOut("p", "buf", first: 0, count: 100));
        var r = rig.Migrate("p", "buf", "gpu0");
        Assert.Equal(512, r[MigrateReason.Hole]);
        Assert.Equal(100, r[MigrateReason.Swap]);
        Assert.Equal(412, r.Migrated);
        Assert.Equal(MigrateReason.Swap, r.PageOutcomes[0]);
        Assert.Equal(MigrateReason.Hole, r.PageOutcomes[512]);
        Assert.Equal(0, rig.Verify("p", "buf", 1, count: 512).Mismatches);
        Assert.Equal(0, rig.Verify("p", "buf", 0, first: 512, pattern: VerifyPattern.Zero).Mismatches);
    }

    [Fact]
    public void AlreadyOnTargetBothWays()
    {
        using var rig = Written(600);
        var r = rig.Migrate("p", "buf", "ram");
        Assert.Equal(600, r[MigrateReason.AlreadyOnTarget]);
        Assert.Equal(0, r.TlbFlushes);
        Assert.Equal(0, r.Copy.Pages);
        Assert.Equal(600, rig.Migrate("p", "buf", "gpu0").Migrated);
        Assert.All(rig.Inspect("p", "buf", 0, 600), v => Assert.True(v.Writable && v.Residence == Residence.Device && v.Device == 0));
        r = rig.Migrate("p", "buf", "gpu0");
        Assert.Equal(600, r[MigrateReason.AlreadyOnTarget]);
        r = rig.Migrate("p", "buf", "ram");
        Assert.Equal(600, r.Migrated);
        Assert.Equal(2, r.TlbFlushes); // as the seed: a converted device-private entry counts like a present PTE (600 pages, 2 PMD spans)
        Assert.Equal(600, r.Copy.Pages);
        Assert.All(rig.Inspect("p", "buf", 0, 600), v => Assert.True(v.Writable && v.Residence == Residence.Ram));
        Assert.Equal(0, rig.Verify("p", "buf", 5).Mismatches);
        Assert.Equal(600, rig.M.Stats().RamUsed);
        Assert.Equal(0, rig.M.Stats().DeviceUsed[0]);
    }

    [Fact]
    public void DeviceImmovable()
    {
        using var rig = Written(64, new DeviceConfig("stuck", 128, Movable: false), new DeviceConfig("gpu1", 128));
        Assert.Equal(64, rig.Migrate("p", "buf", "stuck").Migrated);
        var before = rig.Inspect("p", "buf", 0, 64);
        var r = rig.Migrate("p", "buf", "ram");
        Assert.Equal(64, r[MigrateReason.DeviceImmovable]);
        Assert.Equal(64, rig.Migrate("p", "buf", "gpu1")[MigrateReason.DeviceImmovable]);
        Assert.Equal(before, rig.Inspect("p", "buf", 0, 64));
        Assert.Equal(Errno.EFAULT, rig.M.Touch("p", "buf", PageRange.All, Access.Read, 0, out _));
        rig.Clean();
        Assert.Equal(before, rig.Inspect("p", "buf", 0, 64));
    }

    [Fact]
    public void CompoundSplitsThePmdAndKeepsTheMapping()
    {
        using var rig = new Rig(65536, PayloadMode.Token, new DeviceConfig("gpu0", 8192));
        rig.Process("p");
        rig.Mmap("p", "buf", 1024 + 100, thp: true);
        var f = rig.Write("p", "buf", 2);
        Assert.Equal(2 + 100, f.New); // two huge regions, then 4 KiB pages for the partial tail region
        Assert.Equal(1024 + 100, rig.M.Stats().RamUsed);
        var before = rig.Inspect("p", "buf", 0, 1124);
        var r = rig.Migrate("p", "buf", "gpu0");
        Assert.Equal(1024, r[MigrateReason.Compound]);
        Assert.Equal(100, r.Migrated);
        Assert.Equal(1, r.TlbFlushes);
        var after = rig.Inspect("p", "buf", 0, 1124);
        AssertRestored(before, after, r);
        Assert.Equal(0, rig.SwapOut("p", "buf", count: 1024));
        // Split PMD: a migrate again still reports compound for every subpage.
        Assert.Equal(1024, rig.Migrate("p", "buf", "gpu0", count: 1024)[MigrateReason.Compound]);
        Assert.Equal(0, rig.Verify("p", "buf", 2).Mismatches);
    }

    [Fact]
    public void LockedAndPinnedAreRestored()
    {
        using var rig = Written(1024);
        Assert.Equal(128, rig.Lock("p", "buf", every: 8));
        Assert.Equal(128, rig.Pin("p", "buf", every: 8, first: 4));
        Assert.Equal(0, rig.Lock("p", "buf", every: 8)); // already locked
        var before = rig.Inspect("p", "buf", 0, 1024);
        var r = rig.Migrate("p", "buf", "gpu0");
        Assert.Equal(128, r[MigrateReason.Locked]);
        Assert.Equal(128, r[MigrateReason.Pinned]);
        Assert.Equal(768, r.Migrated);
        Assert.Equal(2, r.TlbFlushes);
        AssertRestored(before, rig.Inspect("p", "buf", 0, 1024), r);
        var s = rig.M.Stats();
        Assert.Equal(128, s.Locked);
        Assert.Equal(128, s.Pinned);
        Assert.Equal(768, s.DeviceUsed[0]);
        Assert.Equal(256, s.RamUsed);
        Assert.Equal(128, rig.Lock("p", "buf", every: 8, take: false));
        Assert.Equal(128, rig.Pin("p", "buf", every: 8, take: false, first: 4));
        s = rig.M.Stats();
        Assert.Equal(0, s.Locked);
        Assert.Equal(0, s.Pinned);
        Assert.Equal(256, rig.Migrate("p", "buf", "gpu0").Migrated);
    }

    [Theory]
    [InlineData(3, 0, 0, MigrateReason.Isolate)]
    [InlineData(0, 5, 0, MigrateReason.Unmap)]
    [InlineData(0, 0, 7, MigrateReason.MigratePage)]
    public void InjectedFailuresAreRestored(int isolate, int unmap, int migratePage, MigrateReason reason)
    {
        using var rig = Written(1000);
        var every = isolate + unmap + migratePage;
        var before = rig.Inspect("p", "buf", 10, 900);
        var r = rig.Migrate("p", "buf", "gpu0", first: 10, count: 900, inject: new FailureInjection(isolate, unmap, migratePage));
        var expectedFailures = (900 + every - 1) / every;
        Assert.Equal(expectedFailures, r[reason]);
        Assert.Equal(900 - expectedFailures, r.Migrated);
        for (var k = 0; k < 900; k++)
        {
            Assert.Equal(k % every == 0 ? reason : MigrateReason.None, r.PageOutcomes[k]);
        }
        AssertRestored(before, rig.Inspect("p", "buf", 10, 900), r);
        Assert.Equal(900 - expectedFailures, rig.M.Stats().DeviceUsed[0]);
        // struct-page migration fails after the driver copied; the other two fail before the copy.
        Assert.Equal(reason == MigrateReason.MigratePage ? 900 : 900 - expectedFailures, r.Copy.Pages);
        Assert.Equal(0, rig.Verify("p", "buf", 5).Mismatches);
    }

    [Fact]
    public void InjectionSkipsPagesThatFailedEarlier()
    {
        using var rig = Written(64);
        rig.Pin("p", "buf", every: 2);
        // isolate every 2nd: offsets 0,2,4… are pinned already, so no page fails isolate.
        var r = rig.Migrate("p", "buf", "gpu0", inject: new FailureInjection(IsolateEvery: 2));
        Assert.Equal(32, r[MigrateReason.Pinned]);
        Assert.Equal(0, r[MigrateReason.Isolate]);
        Assert.Equal(32, r.Migrated);
    }

    [Fact]
    public void UnmapFailureRestoresEveryMappingAfterFork()
    {
        using var rig = Written(256);
        rig.Ok(rig.M.Fork("p", "c"));
        var parent = rig.Inspect("p", "buf", 0, 256);
        var child = rig.Inspect("c", "buf", 0, 256);
        var r = rig.Migrate("p", "buf", "gpu0", inject: new FailureInjection(UnmapEvery: 2));
        Assert.Equal(128, r[MigrateReason.Unmap]);
        Assert.Equal(128, r.Migrated);
        var parentAfter = rig.Inspect("p", "buf", 0, 256);
        var childAfter = rig.Inspect("c", "buf", 0, 256);
        for (var k = 0; k < 256; k++)
        {
            if (k % 2 == 0)
            {
                Assert.Equal(parent[k], parentAfter[k]);
                Assert.Equal(child[k], childAfter[k]);
            }
            else
            {
                Assert.Equal(Residence.Device, parentAfter[k].Residence);
                Assert.Equal(Residence.Device, childAfter[k].Residence);
                Assert.False(childAfter[k].Writable);
            }
        }
        Assert.Equal(128, rig.M.Stats().DeviceUsed[0]);
    }

    [Fact]
    public void AllocWhenTheDeviceIsFull()
    {
        using var rig = Written(300, new DeviceConfig("gpu0", 200));
        var before = rig.Inspect("p", "buf", 0, 300);
        var r = rig.Migrate("p", "buf", "gpu0");
        Assert.Equal(200, r.Migrated);
        Assert.Equal(100, r[MigrateReason.Alloc]);
        for (var k = 0; k < 300; k++)
        {
            Assert.Equal(k < 200 ? MigrateReason.None : MigrateReason.Alloc, r.PageOutcomes[k]);
        }
        AssertRestored(before, rig.Inspect("p", "buf", 0, 300), r);
        Assert.Equal(0, rig.M.Stats().DeviceFree[0]);
    }

    [Fact]
    public void AllocWhenRamIsFull()
    {
        using var rig = new Rig(600, PayloadMode.Token, new DeviceConfig("gpu0", 1024));
        rig.Process("p");
        rig.Mmap("p", "a", 500);
        rig.Mmap("p", "b", 200);
        rig.Write("p", "a", 1);
        Assert.Equal(500, rig.Migrate("p", "a", "gpu0").Migrated);
        rig.Write("p", "b", 2);
        rig.Mmap("p", "c", 350);
        rig.Write("p", "c", 3);
        Assert.Equal(550, rig.M.Stats().RamUsed);
        var r = rig.Migrate("p", "a", "ram");
        Assert.Equal(50, r.Migrated);
        Assert.Equal(450, r[MigrateReason.Alloc]);
        Assert.Equal(0, rig.M.Stats().RamFree);
        Assert.Equal(0, rig.Verify("p", "a", 1).Mismatches);
    }

    [Fact]
    public void ChunkRuleGivesWholeGroupsOnly()
    {
        using var rig = Written(1024, new DeviceConfig("gpu0", 64 * 5 + 10, ChunkPages: 64, Allocation: DeviceAllocation.Chunk));
        rig.Pin("p", "buf", first: 200, count: 1); // group 3 has a pinned page
        // range 30..(30+600): group 0 partial, groups 1..8 whole, group 9 partial (576..630 of 576..640)
        var r = rig.Migrate("p", "buf", "gpu0", first: 30, count: 600);
        Assert.Equal(1, r[MigrateReason.Pinned]);
        // Whole groups in flight: 1,2,4,5,6,7,8 (7 groups) but the device has 5 whole chunks (the short last one serves none).
        Assert.Equal(5 * 64, r.Migrated);
        Assert.Equal(600 - 1 - 5 * 64, r[MigrateReason.Alloc]);
        for (var k = 0; k < 600; k++)
        {
            var i = 30 + k;
            var group = i / 64;
            var expected = i == 200 ? MigrateReason.Pinned
                : group is 1 or 2 or 4 or 5 or 6 ? MigrateReason.None
                : MigrateReason.Alloc;
            Assert.Equal(expected, r.PageOutcomes[k]);
        }
        Assert.Equal(5 * 64, rig.M.Stats().DeviceUsed[0]);
        Assert.Equal(0, rig.Verify("p", "buf", 5).Mismatches);
    }

    [Fact]
    public void FileUnaddressableButAddressableMigrates()
    {
        using var rig = new Rig(65536, PayloadMode.Token, new DeviceConfig("gpu0", 1024), new DeviceConfig("cxl", 1024, Addressable: true));
        rig.Process("p");
        rig.Mmap("p", "f", 256, VmaKind.File);
        rig.Mmap("p", "s", 256, VmaKind.SharedAnon);
        rig.Write("p", "f", 1);
        rig.Write("p", "s", 2);
        var before = rig.Inspect("p", "f", 0, 256);
        var r = rig.Migrate("p", "f", "gpu0");
        Assert.Equal(256, r[MigrateReason.FileUnaddressable]);
        Assert.Equal(256, r.Copy.Pages); // the driver copied before struct-page migration refused
        Assert.Equal(256, rig.Migrate("p", "s", "gpu0")[MigrateReason.FileUnaddressable]);
        AssertRestored(before, rig.Inspect("p", "f", 0, 256), r);
        Assert.Equal(0, rig.M.Stats().DeviceUsed[0]);
        Assert.Equal(256, rig.Migrate("p", "f", "cxl").Migrated);
        var v = rig.Verify("p", "f", 1);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(256, v.Device[1]);
        // An addressable page is mapped directly: no fault on access.
        var f = rig.Touch("p", "f", Access.Write, 9);
        Assert.Equal(0, f.Device + f.New + f.Cow);
        Assert.Equal(256, rig.Migrate("p", "f", "ram").Migrated);
        Assert.Equal(0, rig.Verify("p", "f", 9).Mismatches);
    }

    [Fact]
    public void EinvalChangesNothing()
    {
        using var rig = Written(100);
        rig.Mmap("p", "h", 512, VmaKind.Hugetlb);
        rig.Mmap("p", "x", 16, VmaKind.Pfnmap);
        rig.Write("p", "h", 1);
        rig.Write("p", "x", 1);
        var before = rig.M.Stats();
        foreach (var (vma, range) in new[] { ("h", PageRange.All), ("x", PageRange.All), ("buf", new PageRange(50, 51)), ("buf", new PageRange(100, 1)) })
        {
            var r = new MigrateResult();
            Assert.Equal(Errno.EINVAL, rig.M.Migrate(new MigrateRequest("p", vma, range, "gpu0"), r));
            Assert.Equal(0, r.Requested);
            Assert.Equal(0, r.Migrated);
            rig.Clean();
        }
        Assert.Equal(before.RamUsed, rig.M.Stats().RamUsed);
        Assert.Equal(0, rig.M.Stats().DeviceUsed[0]);
    }
}
