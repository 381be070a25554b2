using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Migration;
using Xunit;

namespace HmmEcs.Tests.Ecs;

/// <summary>
/// A large migrate's phases share its pages over the cores (MigratingPagesOnCores): the outcome, every count and every
/// page must be what the calling thread alone gives, in both directions and with pages failing in each phase.
/// </summary>
public sealed class HelperThreadsTests
{
    // Past the default threshold (65,536 pages in flight), so the machines below take the path of a 10M-page call.
    private const int Pages = 100_000;

    /// <summary>A host system that writes down the pages locked and in flight each time it runs (after a phase).</summary>
    private sealed class TagCounter : ISystem<MigrationContext>
    {
        private static readonly QueryDescription LockedPages = new QueryDescription().WithAll<Page, Locked>();
        private static readonly QueryDescription MigratingPages = new QueryDescription().WithAll<Page, Migrate>();

        public List<(int Locked, int Migrating)> Seen { get; } = [];

        public void Initialize()
        {
        }

        public void BeforeUpdate(in MigrationContext state)
        {
        }

        public void Update(in MigrationContext state) => Seen.Add((state.World.CountEntities(LockedPages), state.World.CountEntities(MigratingPages)));

        public void AfterUpdate(in MigrationContext state)
        {
        }

        public void Dispose()
        {
        }
    }

    private static EcsMachine Build(int helperThreads, TagCounter counter)
    {
        var m = new EcsMachine(new MachineConfig(RamPages: 2 * Pages, Devices: [new DeviceConfig("gpu0", Pages + 4096)]) { HelperThreads = helperThreads });
        Assert.Equal(Errno.None, m.CreateProcess("p"));
        Assert.Equal(Errno.None, m.Mmap("p", "buf", Pages, VmaKind.Anon, writable: true, thp: false));
        Assert.Equal(Errno.None, m.Touch("p", "buf", PageRange.All, Access.Write, 1, out _));
        Assert.Equal(Errno.None, m.Pin("p", "buf", PageRange.All, 37, take: true, out _));
        // A child shares every page: unmap turns the child's PTEs into migration entries too.
        Assert.Equal(Errno.None, m.Fork("p", "c"));
        foreach (var phase in Enum.GetValues<MigrationPhase>())
        {
            m.InsertSystem(phase, Position.After, counter);
        }
        return m;
    }

    private static string Summary(MigrateResult r) =>
        $"migrated {r.Migrated} reasons [{string.Join(",", r.Reasons)}] flushes {r.TlbFlushes} unmapFlushes {r.Costs.UnmapFlushes} " +
        $"invalidations {r.Costs.Invalidations} walks {r.Costs.Walks} copies {r.Copy.Pages}/{r.Copy.Batches}/{r.Copy.DeviceTimeUs}";

    [Theory]
    // The default parts (16,384 rows or entries: 7 parts, one batch of the driver's).
    [InlineData(0)]
    // Parts of 1,024 rows or entries: 98 parts, so the driver takes its destinations in 7 batches.
    [InlineData(1024)]
    public void A_large_call_on_two_threads_leaves_what_one_thread_leaves(int partRows)
    {
        var seenByOne = new TagCounter();
        var seenByTwo = new TagCounter();
        using var one = Build(1, seenByOne);
        using var two = Build(2, seenByTwo);
        if (partRows > 0)
        {
            two.ShareHelperWork(2, HelperThreads.DefaultFromPages, partRows);
        }
        // Other slots fail on the way back: the slots that failed toward the device are already in RAM.
        var there = new FailureInjection(IsolateEvery: 101, UnmapEvery: 103, MigratePageEvery: 107);
        var back = new FailureInjection(IsolateEvery: 97, UnmapEvery: 89, MigratePageEvery: 83);
        foreach (var (target, failures) in new[] { ("gpu0", there), (MigrateTargets.Ram, back), ("gpu0", default) })
        {
            var a = new MigrateResult();
            var b = new MigrateResult();
            Assert.Equal(Errno.None, one.Migrate(new MigrateRequest("p", "buf", PageRange.All, target) { Inject = failures }, a));
            Assert.Equal(Errno.None, two.Migrate(new MigrateRequest("p", "buf", PageRange.All, target) { Inject = failures }, b));
            Assert.True(a.Migrated > Pages / 2, $"toward {target}: only {a.Migrated} pages moved");
            Assert.True((target == MigrateTargets.Ram || a[MigrateReason.Pinned] > 0) && (failures.IsEmpty || a[MigrateReason.Isolate] > 0 && a[MigrateReason.Unmap] > 0 && a[MigrateReason.MigratePage] > 0), $"toward {target}: {Summary(a)}");
            Assert.Equal(Summary(a), Summary(b));
            Assert.Equal(a.PageOutcomes, b.PageOutcomes);
            // What a host system sees between the phases too (the destinations alloc-and-copy locks, the pages still in flight).
            Assert.Equal(seenByOne.Seen, seenByTwo.Seen);
            Assert.Equal(0, one.Check().Violations);
            Assert.Equal(0, two.Check().Violations);
            // The device's mirror of what moved (mapped on the cores too): as many live entries, and a device read of the
            // range faults and mismatches alike.
            Assert.Equal(one.Stats().DeviceMirrored, two.Stats().DeviceMirrored);
            var readOne = new DeviceAccessResult();
            var readTwo = new DeviceAccessResult();
            Assert.Equal(Errno.None, one.DeviceRead("gpu0", "p", "buf", PageRange.All, VerifyPattern.Seq, 1, readOne));
            Assert.Equal(Errno.None, two.DeviceRead("gpu0", "p", "buf", PageRange.All, VerifyPattern.Seq, 1, readTwo));
            Assert.Equal((readOne.Pages, readOne.Faults, readOne.Mismatches), (readTwo.Pages, readTwo.Faults, readTwo.Mismatches));
            foreach (var proc in new[] { "p", "c" })
            {
                var va = new PageView[Pages];
                var vb = new PageView[Pages];
                one.Inspect(proc, "buf", 0, va);
                two.Inspect(proc, "buf", 0, vb);
                Assert.Equal(va, vb);
            }
        }
    }

    [Fact]
    public void A_negative_thread_count_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new EcsMachine(new MachineConfig(64) { HelperThreads = -1 }));
        Assert.Contains("helperThreads", e.Message);
    }
}
