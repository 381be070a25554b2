using HmmEcs.Components.Migration;
using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using Xunit;

namespace HmmEcs.Tests.Hosting;

public sealed class BudgetedTickTests
{
    [Theory]
    [InlineData("ecs", 4096)]
    [InlineData("reference", 4096)]
    [InlineData("ecs", 1000)]
    [InlineData("reference", 100)]
    public void BudgetedRunEndsLikeAnUnbudgetedRun(string engine, long budget)
    {
        using var whole = HostSimulation.FromJson(HostingScenarios.Large, engine);
        var expected = SimulationSnapshot.Watch(whole);
        whole.RunToEnd();
        expected.Finish(whole);

        using var sim = HostSimulation.FromJson(HostingScenarios.Large, engine);
        var actual = SimulationSnapshot.Watch(sim);
        var host = new FixedRateHost(sim, budget);
        host.Run();
        actual.Finish(sim);

        Assert.True(sim.Finished);
        Assert.True(expected.MigratedTotal > 60_000, $"the scenario migrates little: {expected.MigratedTotal}");
        Assert.Equal(expected.Stats, actual.Stats);
        Assert.Equal(expected.Pages.Count, actual.Pages.Count);
        for (var i = 0; i < expected.Pages.Count; i++)
        {
            Assert.Equal(expected.Pages[i], actual.Pages[i]);
        }
        Assert.Equal(expected.Steps, actual.Steps);
        Assert.Equal(expected.Outcomes.Count, actual.Outcomes.Count);
        for (var k = 0; k < expected.Outcomes.Count; k++)
        {
            Assert.Equal(expected.Outcomes[k], actual.Outcomes[k]);
        }
        // The budget bounds every frame (the alignment unit when the budget is below it), and the migrates were spread.
        Assert.True(host.MaxPagesInAFrame <= Math.Max(budget, sim.AlignmentPages), $"a frame processed {host.MaxPagesInAFrame} pages");
        Assert.True(host.Frames > 65_536 / Math.Max(budget, sim.AlignmentPages), $"only {host.Frames} frames");
        Assert.True(host.MigrateCalls > 3);
    }

    [Fact]
    public void SubRangesAreAlignedAscendingAndWithinBudget()
    {
        using var sim = HostSimulation.FromJson(HostingScenarios.Large, "ecs");
        var slices = new List<(string Vma, long First, long Count)>();
        sim.MigrationSliceCompleted += (req, r) =>
        {
            slices.Add((req.Vma, req.Range.First, req.Range.Count ?? -1));
            Assert.Equal(req.Range.Count, r.Requested);
        };
        const long budget = 1500;
        while (!sim.Finished)
        {
            var report = sim.Tick(budget);
            Assert.True(report.PagesProcessed <= budget);
        }
        Assert.Equal(512, sim.AlignmentPages);
        // Steps 6, 9 and 13 are the three migrates; their sub-ranges tile each range in order.
        long[][] ranges = [[0, 65_536], [1234, 30_001], [30, 9950]];
        var at = 0;
        foreach (var range in ranges)
        {
            var pos = range[0];
            var end = range[0] + range[1];
            while (pos < end)
            {
                var (_, first, count) = slices[at++];
                Assert.Equal(pos, first);
                Assert.InRange(count, 1, budget);
                pos += count;
                Assert.True(pos == end || pos % 512 == 0, $"a sub-range ends at {pos}, not on a 512-page boundary");
            }
            Assert.Equal(end, pos);
        }
        Assert.Equal(slices.Count, at);
    }

    [Fact]
    public void BudgetBelowTheAlignmentRunsOneUnitPerTick()
    {
        using var sim = HostSimulation.FromConfig(new Systems.Machine.MachineConfig(8192, Devices: [new("gpu0", 8192)]))
            .Process("p").Mmap("p", "buf", 2048).Touch("p", "buf", Systems.Machine.Access.Write, 1).Migrate("p", "buf", "gpu0");
        var first = sim.Tick(10);
        Assert.Equal(0, first.PagesProcessed - 512);
        Assert.Equal(3, first.StepsCompleted);
        Assert.Equal(1536, sim.PendingMigratePages);
        var reports = new List<TickReport>();
        while (!sim.Finished)
        {
            reports.Add(sim.Tick(10));
        }
        Assert.Equal(3, reports.Count);
        Assert.All(reports, r => Assert.Equal(512, r.PagesProcessed));
        Assert.Equal(1, reports[^1].StepsCompleted);
        Assert.True(reports[^1].Finished);
        Assert.Equal(2048, ((MigrateResult)sim.Results[^1].Result).Migrated);
    }

    [Fact]
    public void StepFinishesAMigrateThatTicksStarted()
    {
        using var whole = HostSimulation.FromJson(HostingScenarios.Small, "ecs");
        whole.RunToEnd();
        using var sim = HostSimulation.FromJson(HostingScenarios.Small, "ecs");
        var report = sim.Tick(512);
        Assert.Equal(512, report.PagesProcessed);
        Assert.Equal(512, sim.PendingMigratePages);
        var result = sim.Step();
        Assert.Equal("migrate", result.Op);
        Assert.Equal(0, sim.PendingMigratePages);
        sim.RunToEnd();
        Assert.Equal(whole.Results.Count, sim.Results.Count);
        for (var i = 0; i < whole.Results.Count; i++)
        {
            var a = whole.Results[i].ToJson(false);
            var b = sim.Results[i].ToJson(false);
            (a["copy"] as System.Text.Json.Nodes.JsonObject)?.Remove("batches");
            (b["copy"] as System.Text.Json.Nodes.JsonObject)?.Remove("batches");
            // Per-call costs (collect's notifier range and walk, each call's restore walks) add up over the slices.
            a.Remove("costs");
            b.Remove("costs");
            Assert.Equal(a.ToJsonString(), b.ToJsonString());
        }
    }

    [Fact]
    public void TickRejectsANonPositiveBudget()
    {
        using var sim = HostSimulation.FromJson(HostingScenarios.Small, "reference");
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.Tick(0));
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void MigratesThatCannotBeCutRunWholeInAFreshTick(string engine)
    {
        var config = new Systems.Machine.MachineConfig(8192, Devices: [new("gpu0", 8192)]);
        var injected = new Systems.Machine.MigrateRequest("p", "buf", Systems.Machine.PageRange.All, "gpu0", new(IsolateEvery: 5));
        HostSimulation Build() => HostSimulation.FromConfig(config, engine)
            .Process("p").Mmap("p", "buf", 2048).Touch("p", "buf", Systems.Machine.Access.Write, 1)
            .Migrate("p", "buf", "gpu0", new Systems.Machine.PageRange(0, 512))
            .Migrate(injected)
            .Migrate("p", "buf", "ram");
        using var whole = Build();
        whole.RunToEnd();
        using var sim = Build();
        var reports = new List<TickReport>();
        while (!sim.Finished)
        {
            reports.Add(sim.Tick(600));
        }
        // Tick 1: setup and the first 512 pages; tick 2: the injected migrate, whole; then the one to RAM, 512 a tick.
        Assert.Equal(512, reports[0].PagesProcessed);
        Assert.Equal(2048, reports[1].PagesProcessed);
        Assert.Equal(1, reports[1].MigrateCalls);
        Assert.Equal(2 + 4, reports.Count);
        for (var i = 0; i < whole.Results.Count; i++)
        {
            var a = whole.Results[i].ToJson(false);
            var b = sim.Results[i].ToJson(false);
            (a["copy"] as System.Text.Json.Nodes.JsonObject)?.Remove("batches");
            (b["copy"] as System.Text.Json.Nodes.JsonObject)?.Remove("batches");
            // Per-call costs (collect's notifier range and walk, each call's restore walks) add up over the slices.
            a.Remove("costs");
            b.Remove("costs");
            Assert.Equal(a.ToJsonString(), b.ToJsonString());
        }
        Assert.True(((MigrateResult)sim.Results[4].Result)[MigrateReason.Isolate] > 0);
    }

    [Fact]
    public void AMigrateOnAVmaThePlanDidNotCreateRunsWhole()
    {
        // The plan names the process and the VMA, but the machine already has them (made directly): the plan's own
        // process and mmap fail with EINVAL, so the plan never learns the VMA's size and cannot cut the migrate.
        var config = new Systems.Machine.MachineConfig(8192, Devices: [new("gpu0", 8192)]);
        using var sim = HostSimulation.FromConfig(config, "ecs");
        sim.Machine.CreateProcess("p");
        sim.Machine.Mmap("p", "buf", 1500, HmmEcs.Components.Memory.VmaKind.Anon, true, false);
        sim.Machine.Touch("p", "buf", Systems.Machine.PageRange.All, Systems.Machine.Access.Write, 1, out _);
        sim.Process("p").Mmap("p", "buf", 1500).Migrate("p", "buf", "gpu0");
        var report = sim.Tick(100);
        Assert.Equal(1500, report.PagesProcessed);
        Assert.True(report.Finished);
        Assert.Equal(["EINVAL", "EINVAL", null], sim.Results.Select(r => r.ErrorName));
        Assert.Equal(1500, ((MigrateResult)sim.Results[2].Result).Migrated);
    }
}
