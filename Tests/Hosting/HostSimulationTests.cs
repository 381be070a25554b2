using HmmEcs.Components.Migration;
using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Running;
using Xunit;

namespace HmmEcs.Tests.Hosting;

public sealed class HostSimulationTests
{
    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void SteppingGivesTheRunnersResults(string engine)
    {
        var expected = ScenarioRunner.Run(ScenarioLoader.Parse(HostingScenarios.Small, "x"), engine);
        using var sim = HostSimulation.FromJson(HostingScenarios.Small, engine);
        Assert.Equal(expected.Steps.Count, sim.StepCount);
        var seen = 0;
        sim.StepCompleted += _ => seen++;
        for (var i = 0; i < expected.Steps.Count; i++)
        {
            Assert.False(sim.Finished);
            var step = sim.Step();
            Assert.Equal(expected.Steps[i].ToJson(false).ToJsonString(), step.ToJson(false).ToJsonString());
            Assert.Equal(expected.Steps[i].Label, step.Label);
            Assert.Equal(i + 1, sim.StepsCompleted);
        }
        Assert.True(sim.Finished);
        Assert.Equal(expected.Steps.Count, seen);
        Assert.Throws<InvalidOperationException>(() => sim.Step());
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void DeviceMirrorStepsRunAsTheRunnerRunsThem(string engine)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "scenarios", "mirror", "mirror-evict.json");
        var expected = ScenarioRunner.Run(ScenarioLoader.LoadFile(path), engine);
        using var sim = HostSimulation.FromFile(path, engine);
        var results = sim.RunToEnd();
        Assert.Equal(expected.Steps.Count, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal(expected.Steps[i].ToJson(false).ToJsonString(), results[i].ToJson(false).ToJsonString());
        }
        Assert.Contains(results, r => r.Op == "evict");
        Assert.All(results, r => Assert.Empty(r.ExpectFailures));
    }

    [Fact]
    public void BuildsFromAFile()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "scenarios", "shared", "quickstart.json");
        var expected = ScenarioRunner.Run(ScenarioLoader.LoadFile(path), "reference");
        using var sim = HostSimulation.FromFile(path, "reference");
        var results = sim.RunToEnd();
        Assert.Equal("quickstart", sim.Name);
        Assert.Equal(expected.Steps.Count, results.Count);
        Assert.All(results, r => Assert.True(r.Ok));
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal(expected.Steps[i].ToJson(false).ToJsonString(), results[i].ToJson(false).ToJsonString());
        }
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void BuildsFromCode(string engine)
    {
        var config = new MachineConfig(4096, Devices: [new DeviceConfig("gpu0", 2048)]);
        using var sim = HostSimulation.FromConfig(config, engine, "from-code")
            .Process("p")
            .Mmap("p", "buf", 1000)
            .Touch("p", "buf", Access.Write, salt: 5)
            .Pin("p", "buf", every: 10)
            .Migrate("p", "buf", "gpu0")
            .Verify("p", "buf", VerifyPattern.Seq, salt: 5)
            .Stats()
            .Check();
        Assert.Equal(8, sim.StepCount);
        sim.RunToEnd();
        var migrate = sim.Results[4];
        Assert.Equal("migrate", migrate.Op);
        Assert.Equal("4", migrate.Label);
        var migrated = Assert.IsType<MigrateResult>(migrate.Result);
        Assert.Equal(900, migrated.Migrated);
        Assert.Equal(100, migrated[MigrateReason.Pinned]);
        Assert.Equal(0, Assert.IsType<VerifyResult>(sim.Results[5].Result).Mismatches);
        Assert.True(sim.Results[5].TryGet("resident.gpu0", out var resident));
        Assert.Equal(900, resident.Integer);
        Assert.Equal(0, Assert.IsType<CheckResult>(sim.Results[7].Result).Violations);
        // Steps added after a run has finished run next.
        sim.Migrate("p", "buf", "ram", new PageRange(0, 100));
        Assert.False(sim.Finished);
        Assert.Equal(90, Assert.IsType<MigrateResult>(sim.Step().Result).Migrated);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void EventsReportMigrationsAndFaults(string engine)
    {
        using var sim = HostSimulation.FromJson(HostingScenarios.Small, engine);
        var migrations = new List<(MigrateRequest Request, long Migrated, long Pinned, int Outcomes)>();
        var faults = new List<FaultCounts>();
        sim.MigrationCompleted += (req, r) => migrations.Add((req, r.Migrated, r[MigrateReason.Pinned], r.PageOutcomes.Length));
        sim.Faulted += (_, f) => faults.Add(f);
        sim.RunToEnd();

        Assert.Equal(2, migrations.Count);
        Assert.Equal("gpu0", migrations[0].Request.To);
        Assert.Equal(1024 - 64, migrations[0].Migrated);
        Assert.Equal(64, migrations[0].Pinned);
        Assert.Equal(1024, migrations[0].Outcomes);
        // The second pass re-migrates the 100 pages the touch between brought back (less the pinned ones among them).
        Assert.Equal(100 - 7, migrations[1].Migrated);

        Assert.Equal(3, faults.Count);
        Assert.Equal(1024, faults[0].New);
        Assert.Equal(100 - 7, faults[1].Device);
        for (var i = 0; i < faults.Count; i++)
        {
            var touch = sim.Results.Where(r => r.Op == "touch").ElementAt(i);
            Assert.Equal(Assert.IsType<TouchResult>(touch.Result).Faults, faults[i]);
        }
    }

    [Fact]
    public void ReferenceEngineRefusesSystems()
    {
        using var sim = HostSimulation.FromJson(HostingScenarios.Small, "reference");
        var e = Assert.Throws<NotSupportedException>(() =>
            sim.InsertSystem(MigrationPhase.Unmap, Position.After, new RecordingSystem("x", [])));
        Assert.Contains("reference", e.Message);
    }
}
