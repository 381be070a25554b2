using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.ThreeCall;

/// <summary>
/// MIGRATE_PFN_COMPOUND in the three calls' arrays, as Linux 6.19 lays a PMD-sized unit out: setup gives its head slot
/// COMPOUND and the 511 after it 0 (a hole region: <c>MIGRATE|COMPOUND</c>; a THP: its pfn with <c>MIGRATE|WRITE|COMPOUND</c>),
/// <c>cpages</c> counts it once; the driver's folio destination is one <c>dst</c> head with COMPOUND, its fallback 512
/// base entries, after which <c>migrate_vma_pages</c> shows the source split. Misuse of the layout is refused.
/// </summary>
public class CompoundEncodingTests
{
    private const int Pmd = PageGeometry.PmdPages;
    private const MigrateSelect Compound = MigrateSelect.System | MigrateSelect.Compound;

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void AHoleRegionIsOneCompoundSlotAndItsFolioOneCompoundDestination(string engine)
    {
        using var m = Machine(engine, 2048);
        m.Mmap("p", "h", 640, VmaKind.Anon, true, false);
        var args = new MigrateVma("p", "h", 0, 640, "gpu0", Compound);
        var (src, dst) = (new ulong[640], new ulong[640]);
        Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src, dst));
        Assert.Equal(MigratePfn.Migrate | MigratePfn.Compound, src[0]);
        Assert.All(src[1..Pmd], e => Assert.Equal(0UL, e));
        Assert.All(src[Pmd..], e => Assert.Equal(MigratePfn.Migrate, e));
        Assert.Equal(1 + 128, args.Cpages);

        m.MigrateVmaAllocAndCopy(args, src, dst);
        Assert.Equal(MigratePfn.Valid | MigratePfn.Compound, dst[0] & ((1UL << MigratePfn.Shift) - 1));
        Assert.Equal(0, (MigratePfn.ToPfn(dst[0]) - m.Config.DevicePfnBase(0)) % Pmd);
        Assert.All(dst[1..Pmd], e => Assert.Equal(0UL, e));
        Assert.All(dst[Pmd..], e => Assert.Equal(MigratePfn.Valid, e & ((1UL << MigratePfn.Shift) - 1)));

        m.MigrateVmaPages(args, src, dst);
        Assert.Equal(MigratePfn.Migrate | MigratePfn.Compound, src[0]);
        Assert.All(src[1..Pmd], e => Assert.Equal(0UL, e));
        var result = new MigrateResult();
        m.MigrateVmaFinalize(args, src, dst, result);
        Assert.Equal(640, result.Migrated);
        // A CPU read faults the folio back as one fault (one RAM THP), each base page on its own.
        AssertOnDeviceThenReadBack(m, onDevice: 640, deviceFaults: 1 + 128);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void ATransparentHugePageIsItsHeadPfnWithCompound(string engine)
    {
        using var m = Machine(engine, 2048);
        Thp(m);
        var args = new MigrateVma("p", "t", 0, Pmd, "gpu0", Compound);
        var (src, dst) = (new ulong[Pmd], new ulong[Pmd]);
        Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src, dst));
        var head = HeadPfn(m, src[0]);
        Assert.Equal(MigratePfn.Of(head) | MigratePfn.Migrate | MigratePfn.Write | MigratePfn.Compound, src[0]);
        Assert.All(src[1..], e => Assert.Equal(0UL, e));
        Assert.Equal(1, args.Cpages);
        m.MigrateVmaAllocAndCopy(args, src, dst);
        Assert.Equal(MigratePfn.Valid | MigratePfn.Write | MigratePfn.Compound, dst[0] & ((1UL << MigratePfn.Shift) - 1));
        m.MigrateVmaPages(args, src, dst);
        Assert.Equal(MigratePfn.Of(head) | MigratePfn.Migrate | MigratePfn.Write | MigratePfn.Compound, src[0]);
        var result = new MigrateResult();
        m.MigrateVmaFinalize(args, src, dst, result);
        Assert.Equal(Pmd, result.Migrated);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void BasePageDestinationsSplitTheSourceSlotByPfn(string engine)
    {
        // 1,000 device pages with page 0 taken: no free 512-aligned run, so the driver falls back to 512 base pages.
        using var m = SetupWithoutAlignedRun(engine, out var args, out var src, out var dst);
        var head = HeadPfn(m, src[0]);
        m.MigrateVmaAllocAndCopy(args, src, dst);
        Assert.All(dst, e => Assert.Equal(MigratePfn.Valid | MigratePfn.Write, e & ((1UL << MigratePfn.Shift) - 1)));
        m.MigrateVmaPages(args, src, dst);
        for (var k = 0; k < Pmd; k++)
        {
            Assert.Equal(MigratePfn.Of(head + k) | MigratePfn.Migrate | MigratePfn.Write, src[k]);
        }
        var result = new MigrateResult();
        m.MigrateVmaFinalize(args, src, dst, result);
        Assert.Equal(Pmd, result.Migrated);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void WithoutTheHeadsBasePageTheUnitGivesUpWhole(string engine)
    {
        // migrate_vma_pages reads the head slot: no destination there clears its MIGRATE, and the 511 slots after it are empty.
        using var m = SetupWithoutAlignedRun(engine, out var args, out var src, out var dst);
        var head = src[0];
        m.MigrateVmaAllocAndCopy(args, src, dst);
        Assert.NotEqual(0UL, dst[1]);
        dst[0] = 0;
        m.MigrateVmaPages(args, src, dst);
        Assert.Equal(head & ~MigratePfn.Migrate, src[0]);
        Assert.All(src[1..], e => Assert.Equal(0UL, e));
        var result = new MigrateResult();
        m.MigrateVmaFinalize(args, src, dst, result);
        Assert.Equal(Pmd, result[MigrateReason.Alloc]);
        Assert.Equal(1, m.Stats().DeviceUsed[0]);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void ADroppedFolioOrADeclinedHeadGivesUpTheWholeUnit(string engine)
    {
        using var m = Machine(engine, 2048);
        m.Mmap("p", "h", 1024, VmaKind.Anon, true, false);
        var args = new MigrateVma("p", "h", 0, 1024, "gpu0", Compound);
        var (src, dst) = (new ulong[1024], new ulong[1024]);
        Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src, dst));
        var offered = (ulong[])src.Clone();
        offered[Pmd] &= ~MigratePfn.Migrate;
        m.MigrateVmaAllocAndCopy(args, offered, dst);
        Assert.All(dst[Pmd..], e => Assert.Equal(0UL, e));
        Assert.NotEqual(0UL, dst[0]);
        dst[0] = 0;
        m.MigrateVmaPages(args, src, dst);
        Assert.Equal(MigratePfn.Compound, src[0]);
        Assert.Equal(MigratePfn.Compound, src[Pmd]);
        var result = new MigrateResult();
        m.MigrateVmaFinalize(args, src, dst, result);
        Assert.Equal(0, result.Migrated);
        Assert.Equal(1024, result[MigrateReason.Alloc]);
        Assert.Equal(0, m.Stats().DeviceUsed[0]);
        Assert.Empty(m.Check().Details);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void AHoleRegionOfTwoProtectionsIsNoUnit(string engine)
    {
        // mprotect of part of the region splits the kernel's VMA: neither piece covers the PMD span, so its holes are
        // collected one by one and each is mapped with its own page's protection.
        foreach (var three in new[] { false, true })
        {
            using var m = Machine(engine, 2048);
            m.Mmap("p", "h", 1024, VmaKind.Anon, true, false);
            Assert.Equal(Errno.None, m.Mprotect("p", "h", new PageRange(757, 71), PageProt.Read));
            var result = new MigrateResult();
            if (three)
            {
                var args = new MigrateVma("p", "h", 0, 1024, "gpu0", Compound);
                var (src, dst) = (new ulong[1024], new ulong[1024]);
                Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src, dst));
                Assert.Equal(MigratePfn.Migrate | MigratePfn.Compound, src[0]);
                Assert.All(src[Pmd..], e => Assert.Equal(MigratePfn.Migrate, e));
                Assert.Equal(1 + 512, args.Cpages);
                m.MigrateVmaAllocAndCopy(args, src, dst);
                m.MigrateVmaPages(args, src, dst);
                m.MigrateVmaFinalize(args, src, dst, result);
            }
            else
            {
                Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "h", PageRange.All, "gpu0", default, Compound), result));
            }
            Assert.Equal(1024, result.Migrated);
            Assert.Empty(m.Check().Details);
            // A CPU read faults the first region back as one folio, the second page by page.
            AssertOnDeviceThenReadBack(m, onDevice: 1024, deviceFaults: 1 + 512);
        }
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void MisusedCompoundSlotsAreRefused(string engine)
    {
        using var m = Machine(engine, 2048);
        m.Mmap("p", "h", 640, VmaKind.Anon, true, false);
        var args = new MigrateVma("p", "h", 0, 640, "gpu0", Compound);
        var (src, dst) = (new ulong[640], new ulong[640]);
        Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src, dst));
        var tail = (ulong[])src.Clone();
        tail[1] = MigratePfn.Migrate;
        Assert.Contains("src[1] = 0x2: a slot of the PMD-sized unit whose head is src[0]",
            Assert.Throws<ArgumentException>(() => m.MigrateVmaAllocAndCopy(args, tail, dst)).Message);
        var split = (ulong[])src.Clone();
        split[0] &= ~MigratePfn.Compound;
        Assert.Contains("src[0] = 0x2: MIGRATE_PFN_COMPOUND differs",
            Assert.Throws<ArgumentException>(() => m.MigrateVmaAllocAndCopy(args, split, dst)).Message);
        var forged = (ulong[])src.Clone();
        forged[Pmd] |= MigratePfn.Compound;
        Assert.Contains($"src[{Pmd}] = 0x12: MIGRATE_PFN_COMPOUND differs",
            Assert.Throws<ArgumentException>(() => m.MigrateVmaAllocAndCopy(args, forged, dst)).Message);

        m.MigrateVmaAllocAndCopy(args, src, dst);
        var whole = (ulong[])dst.Clone();
        whole[0] &= ~MigratePfn.Compound;
        Assert.Contains("dst[0]", Assert.Throws<ArgumentException>(() => m.MigrateVmaPages(args, src, whole)).Message);
        Assert.Contains("hand it back whole or 0", Assert.Throws<ArgumentException>(() => m.MigrateVmaPages(args, src, whole)).Message);
        var based = (ulong[])dst.Clone();
        based[Pmd] |= MigratePfn.Compound;
        Assert.Contains($"dst[{Pmd}]", Assert.Throws<ArgumentException>(() => m.MigrateVmaPages(args, src, based)).Message);
        Assert.Contains("MIGRATE_PFN_COMPOUND on a base page", Assert.Throws<ArgumentException>(() => m.MigrateVmaPages(args, src, based)).Message);
        var tails = (ulong[])dst.Clone();
        tails[1] = MigratePfn.Of(MigratePfn.ToPfn(dst[0]) + 1);
        Assert.Contains("dst[1]", Assert.Throws<ArgumentException>(() => m.MigrateVmaPages(args, src, tails)).Message);

        m.MigrateVmaPages(args, src, dst);
        var result = new MigrateResult();
        m.MigrateVmaFinalize(args, src, dst, result);
        Assert.Equal(640, result.Migrated);
        Assert.Empty(m.Check().Details);
    }

    /// <summary>Maps VMA <c>t</c> as one written THP.</summary>
    /// <summary>
    /// A THP set up for a compound migrate to a 1,000-page device whose page 0 is taken: no free 512-aligned run is left,
    /// so the driver must fall back to base pages.
    /// </summary>
    private static IMachine SetupWithoutAlignedRun(string engine, out MigrateVma args, out ulong[] src, out ulong[] dst)
    {
        var m = Machine(engine, 1000);
        m.Mmap("p", "one", 1, VmaKind.Anon, true, false);
        m.Touch("p", "one", PageRange.All, Access.Write, 3, out _);
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "one", PageRange.All, "gpu0"), new MigrateResult()));
        Thp(m);
        args = new MigrateVma("p", "t", 0, Pmd, "gpu0", Compound);
        (src, dst) = (new ulong[Pmd], new ulong[Pmd]);
        Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src, dst));
        return m;
    }

    private static void Thp(IMachine m)
    {
        Assert.Equal(Errno.None, m.Mmap("p", "t", Pmd, VmaKind.Anon, true, true));
        Assert.Equal(Errno.None, m.Touch("p", "t", PageRange.All, Access.Write, 5, out _));
    }

    /// <summary>The head pfn of a THP's compound slot: a 512-aligned RAM frame.</summary>
    private static long HeadPfn(IMachine m, ulong entry)
    {
        var pfn = MigratePfn.ToPfn(entry);
        Assert.InRange(pfn, 0, m.Config.RamPages - Pmd);
        Assert.Equal(0, pfn % Pmd);
        return pfn;
    }

    private static IMachine Machine(string engine, long gpuPages)
    {
        var m = MachineFactory.Create(engine, new MachineConfig(4096, Devices: [new DeviceConfig("gpu0", gpuPages)], Profile: SemanticsProfile.Mainline));
        m.CreateProcess("p");
        return m;
    }

    /// <summary>VMA <c>h</c> has <paramref name="onDevice"/> pages on gpu0, and a CPU read of it takes <paramref name="deviceFaults"/> device faults, leaving the checker clean.</summary>
    private static void AssertOnDeviceThenReadBack(IMachine m, long onDevice, long deviceFaults)
    {
        var snapshot = new SnapshotResult();
        Assert.Equal(Errno.None, m.Snapshot("gpu0", "p", "h", PageRange.All, snapshot));
        Assert.Equal(onDevice, snapshot.DeviceLocal);
        Assert.Equal(Errno.None, m.Touch("p", "h", PageRange.All, Access.Read, 1, out var faults));
        Assert.Equal(deviceFaults, faults.Device);
        Assert.Empty(m.Check().Details);
    }
}
