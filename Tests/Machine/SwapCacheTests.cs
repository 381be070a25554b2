using HmmEcs.Components.Content;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using Xunit;

namespace HmmEcs.Tests.Machine;

/// <summary>The swap cache (<see cref="MachineConfig.SwapCache"/>) on both engines: swap-in, fork sharers, writes, unmap, swapout, migrate per profile.</summary>
public sealed class SwapCacheTests
{
    /// <summary>A machine where process p has 8 anon pages written with salt 1 and all swapped out.</summary>
    private static IMachine Swapped(string engine, bool swapCache = true, SemanticsProfile profile = SemanticsProfile.V13)
    {
        var devices = new[] { new DeviceConfig("gpu0", 16), new DeviceConfig("cxl", 16, Addressable: true) };
        var m = MachineFactory.Create(engine, new MachineConfig(64, Devices: devices, Profile: profile) { SwapCache = swapCache });
        Assert.Equal(Errno.None, m.CreateProcess("p"));
        Assert.Equal(Errno.None, m.Mmap("p", "a", 8, VmaKind.Anon, true, false));
        Assert.Equal(Errno.None, m.Touch("p", "a", PageRange.All, Access.Write, 1, out _));
        Assert.Equal(Errno.None, m.SwapOut("p", "a", PageRange.All, 1, out var swapped));
        Assert.Equal(8, swapped);
        return m;
    }

    private static FaultCounts Touch(IMachine m, string proc, Access access, ulong salt = 0, PageRange? range = null)
    {
        Assert.Equal(Errno.None, m.Touch(proc, "a", range ?? PageRange.All, access, salt, out var faults));
        return faults;
    }

    private static PageView View(IMachine m, string proc, long page)
    {
        Span<PageView> one = new PageView[1];
        m.Inspect(proc, "a", page, one);
        return one[0];
    }

    [Theory]
    [InlineData("ecs", true, 8L)]
    [InlineData("reference", true, 8L)]
    [InlineData("ecs", false, 16L)]
    [InlineData("reference", false, 16L)]
    public void AForkSharerSwapsInTheCachedPage(string engine, bool swapCache, long ramUsed)
    {
        using var m = Swapped(engine, swapCache);
        Assert.Equal(Errno.None, m.Fork("p", "c"));
        Assert.Equal(8, Touch(m, "p", Access.Read).Swap);
        Assert.Equal(8, Touch(m, "c", Access.Read).Swap);
        Assert.Equal((ramUsed, swapCache ? 8L : 0L), (m.Stats().RamUsed, m.Stats().SwapCache));
        Assert.Equal(Stamp.Of(1, 3), View(m, "c", 3).Content);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void AWriteCopiesWhileTheSlotIsSharedAndTakesThePageOutWhenItIsNot(string engine)
    {
        using var m = Swapped(engine);
        Assert.Equal(Errno.None, m.Fork("p", "c"));
        var parent = Touch(m, "p", Access.Write, 2);
        Assert.Equal((8L, 8L), (parent.Swap, parent.Cow));
        Assert.Equal((16L, 8L), (m.Stats().RamUsed, m.Stats().SwapCache));
        var child = Touch(m, "c", Access.Write, 3);
        Assert.Equal((8L, 0L), (child.Swap, child.Cow));
        Assert.Equal((16L, 0L), (m.Stats().RamUsed, m.Stats().SwapCache));
        Assert.True(View(m, "c", 0).Writable);
        Assert.Equal((Stamp.Of(2, 5), Stamp.Of(3, 5)), (View(m, "p", 5).Content, View(m, "c", 5).Content));
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void TheLastUnmapDropsTheCachedPage(string engine)
    {
        using var m = Swapped(engine);
        Assert.Equal(Errno.None, m.Fork("p", "c"));
        Touch(m, "p", Access.Read);
        Touch(m, "c", Access.Read);
        Assert.Equal(Errno.None, m.Munmap("c", "a"));
        Assert.Equal((8L, 8L), (m.Stats().RamUsed, m.Stats().SwapCache));
        Assert.False(View(m, "p", 0).Writable);
        Assert.Equal(Errno.None, m.Munmap("p", "a"));
        Assert.Equal((0L, 0L), (m.Stats().RamUsed, m.Stats().SwapCache));
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void ACleanCachedPageSwapsOutToItsSlotAndACachedPageOfADeadSlotGoes(string engine)
    {
        using var m = Swapped(engine);
        Assert.Equal(Errno.None, m.Fork("p", "c"));
        Touch(m, "p", Access.Read);
        Assert.Equal(8, m.Stats().SwapCache);
        Assert.Equal(Errno.None, m.SwapOut("p", "a", PageRange.All, 1, out var swapped));
        Assert.Equal(8, swapped);
        Assert.Equal((0L, 0L), (m.Stats().RamUsed, m.Stats().SwapCache));
        Assert.Equal(new PageView(Residence.Swap, -1, Stamp.Of(1, 4), false), View(m, "p", 4));
        // The child's entries and the parent's share the slots again: the child's munmap leaves the parent's.
        Assert.Equal(Errno.None, m.Munmap("c", "a"));
        Assert.Equal(8, Touch(m, "p", Access.Read).Swap);
        Assert.Equal(Stamp.Of(1, 7), View(m, "p", 7).Content);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs", SemanticsProfile.V13, "gpu0", false, 0L, MigrateReason.FileUnaddressable, 4L)]
    [InlineData("reference", SemanticsProfile.V13, "gpu0", false, 0L, MigrateReason.FileUnaddressable, 4L)]
    [InlineData("ecs", SemanticsProfile.V13, "cxl", false, 4L, MigrateReason.None, 4L)]
    [InlineData("reference", SemanticsProfile.V13, "cxl", false, 4L, MigrateReason.None, 4L)]
    [InlineData("ecs", SemanticsProfile.Mainline, "gpu0", false, 4L, MigrateReason.None, 0L)]
    [InlineData("reference", SemanticsProfile.Mainline, "gpu0", false, 4L, MigrateReason.None, 0L)]
    [InlineData("ecs", SemanticsProfile.Mainline, "gpu0", true, 0L, MigrateReason.FileToDevice, 4L)]
    [InlineData("reference", SemanticsProfile.Mainline, "gpu0", true, 0L, MigrateReason.FileToDevice, 4L)]
    [InlineData("ecs", SemanticsProfile.Mainline, "cxl", true, 0L, MigrateReason.FileToDevice, 4L)]
    [InlineData("reference", SemanticsProfile.Mainline, "cxl", true, 0L, MigrateReason.FileToDevice, 4L)]
    [InlineData("ecs", SemanticsProfile.V13AsPosted, "gpu0", false, 0L, MigrateReason.Pinned, 4L)]
    [InlineData("reference", SemanticsProfile.V13AsPosted, "gpu0", false, 0L, MigrateReason.Pinned, 4L)]
    public void EachProfileMigratesASwapCachePageItsOwnWay(
        string engine, SemanticsProfile profile, string to, bool slotShared, long migrated, MigrateReason reason, long cachedAfter)
    {
        using var m = Swapped(engine, profile: profile);
        if (slotShared)
        {
            Assert.Equal(Errno.None, m.Fork("p", "c"));
        }
        Touch(m, "p", Access.Read, range: new PageRange(0, 4));
        var result = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "a", new PageRange(0, 4), to), result));
        Assert.Equal(migrated, result.Migrated);
        if (reason != MigrateReason.None)
        {
            Assert.Equal(4, result.Reasons[(int)reason]);
        }
        Assert.Equal(cachedAfter, m.Stats().SwapCache);
        Assert.Empty(m.Check().Details);
        if (profile != SemanticsProfile.V13AsPosted)
        {
            Assert.Equal(Stamp.Of(1, 2), View(m, "p", 2).Content);
        }
    }
}
