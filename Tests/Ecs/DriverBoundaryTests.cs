using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Driver;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Migration;

namespace HmmEcs.Tests.Ecs;

/// <summary>
/// What the driver sees at its two calls: src's MIGRATE flags derived from the pages in flight, and the
/// pages it gives up coming back as <c>alloc</c> failures.
/// </summary>
public class DriverBoundaryTests
{
    /// <summary>Records src's MIGRATE flags at each call and gives up every <paramref name="giveUpEvery"/>-th slot still migrating (0: none).</summary>
    private sealed class GivingUpDriver(IMigrateOps inner, int giveUpEvery) : IMigrateOps
    {
        public bool[] AtAlloc { get; private set; } = [];

        public bool[] AtFinalize { get; private set; } = [];

        public int GivenUp { get; private set; }

        public CopyCost AllocAndCopy(in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst)
        {
            AtAlloc = Flags(src);
            for (var i = giveUpEvery - 1; giveUpEvery > 0 && i < src.Length; i += giveUpEvery)
            {
                if (src[i].Has(HmmPfn.Migrate))
                {
                    src[i] = src[i].Without(HmmPfn.Migrate);
                    GivenUp++;
                }
            }
            return inner.AllocAndCopy(window, src, dst);
        }

        public void FinalizeAndMap(in MigrateWindow window, ReadOnlySpan<HmmPfn> src, Span<HmmPfn> dst)
        {
            AtFinalize = Flags(src);
            inner.FinalizeAndMap(window, src, dst);
        }

        private static bool[] Flags(ReadOnlySpan<HmmPfn> src)
        {
            var flags = new bool[src.Length];
            for (var i = 0; i < src.Length; i++)
            {
                flags[i] = src[i].Has(HmmPfn.Migrate);
            }
            return flags;
        }
    }

    [Theory]
    [InlineData(3000)]
    [InlineData(40)]
    public void TheDriverSeesMigrateOnExactlyThePagesInFlight(int pages)
    {
        // 3,000 pages take the query path, 40 (fewer than MigrateState.SmallRequest collected) the slot path.
        Assert.InRange(MigrateState.SmallRequest, 40, 2000);
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 4096));
        m.CreateProcess("p");
        m.Mmap("p", "buf", pages, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 4, 0, pages - 7);
        m.Pin("p", "buf", PageRange.All, 8, true, out _);
        var driver = new GivingUpDriver(m.Driver("gpu0").MigrateInto, 3);
        var result = new MigrateResult();
        Assert.Equal(Errno.None, m.MigrateVma(driver, "p", "buf", 0, pages, "gpu0", result));

        var outcomes = result.PageOutcomes;
        for (var i = 0; i < pages; i++)
        {
            // In flight at alloc: every page that collect took and lock-and-isolate kept (the holes and the pinned are not).
            Assert.Equal(outcomes[i] is MigrateReason.None or MigrateReason.Alloc, driver.AtAlloc[i]);
            Assert.Equal(outcomes[i] == MigrateReason.None, driver.AtFinalize[i]);
        }
        Assert.Equal(driver.GivenUp, result[MigrateReason.Alloc]);
        Assert.True(driver.GivenUp > 0);
        Assert.Equal(7, result[MigrateReason.Hole]);
        Assert.Equal(result.Migrated, m.Stats().DeviceUsed[0]);
        Assert.Equal(0, m.Verify("p", "buf", VerifyPattern.Seq, 4, 0, pages - 7).Mismatches);
        m.AssertClean();
    }

    [Fact]
    public void PagesThatFailAfterAllocationLoseMigrateBeforeFinalize()
    {
        // File pages cannot go to unaddressable memory: they fail in migrate-struct-page, after the driver
        // gave them destinations, so finalize sees no MIGRATE and gives every destination back.
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 4096));
        m.CreateProcess("p");
        m.Mmap("p", "f", 200, VmaKind.File, true, false);
        m.Touch("p", "f", Access.Write, 2);
        var driver = new GivingUpDriver(m.Driver("gpu0").MigrateInto, 0);
        var result = new MigrateResult();
        Assert.Equal(Errno.None, m.MigrateVma(driver, "p", "f", 0, 200, "gpu0", result));

        Assert.Equal(200, result[MigrateReason.FileUnaddressable]);
        Assert.All(driver.AtAlloc, Assert.True);
        Assert.All(driver.AtFinalize, Assert.False);
        Assert.Equal(0, m.Stats().DeviceUsed[0]);
        Assert.Equal(0, m.Verify("p", "f", VerifyPattern.Seq, 2).Mismatches);
        m.AssertClean();
    }

    /// <summary>A driver that counts its calls and marks every destination with the wrong UNADDRESSABLE flag.</summary>
    private sealed class CountingDriver(IMigrateOps inner, bool flipUnaddressable) : IMigrateOps
    {
        public int Calls { get; private set; }

        public CopyCost AllocAndCopy(in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst)
        {
            Calls++;
            var cost = inner.AllocAndCopy(window, src, dst);
            for (var i = 0; flipUnaddressable && i < dst.Length; i++)
            {
                dst[i] = dst[i].Has(HmmPfn.Unaddressable) ? dst[i].Without(HmmPfn.Unaddressable) : dst[i].With(HmmPfn.Unaddressable);
            }
            return cost;
        }

        public void FinalizeAndMap(in MigrateWindow window, ReadOnlySpan<HmmPfn> src, Span<HmmPfn> dst)
        {
            Calls++;
            inner.FinalizeAndMap(window, src, dst);
        }
    }

    [Fact]
    public void WhenEveryCollectedPageFailedTheDriverIsNotCalled()
    {
        // As the seed: npages == 0 after lock-and-isolate returns before alloc_and_copy (and finalize_and_map).
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 4096));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 64, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 4);
        m.Pin("p", "buf", PageRange.All, 1, true, out _);
        var driver = new CountingDriver(m.Driver("gpu0").MigrateInto, false);
        var result = new MigrateResult();
        Assert.Equal(Errno.None, m.MigrateVma(driver, "p", "buf", 0, 64, "gpu0", result));
        Assert.Equal(64, result[MigrateReason.Pinned]);
        Assert.Equal(0, driver.Calls);
        m.Pin("p", "buf", PageRange.All, 1, false, out _);
        Assert.Equal(Errno.None, m.MigrateVma(driver, "p", "buf", 0, 64, "gpu0", result));
        Assert.Equal(64, result.Migrated);
        Assert.Equal(2, driver.Calls);
        m.AssertClean();
    }

    [Fact]
    public void TheNewEntrysKindComesFromTheNewPageNotTheDriversFlag()
    {
        // As the seed's remove_migration_pte: unaddressable ZONE_DEVICE memory gets a device entry whatever the flag says.
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 4096));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 64, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 4);
        var result = new MigrateResult();
        Assert.Equal(Errno.None, m.MigrateVma(new CountingDriver(m.Driver("gpu0").MigrateInto, true), "p", "buf", 0, 64, "gpu0", result));
        Assert.Equal(64, result.Migrated);
        Assert.Equal(64, m.Touch("p", "buf", Access.Read).Device);
        m.AssertClean();
    }
}
