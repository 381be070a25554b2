using HmmEcs.Engine;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.ScenarioLanguage;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Scenarios;

/// <summary>
/// Runs every scenario file under Tests/scenarios (the shared ones and ours, each with hand-derived
/// expectations) on every engine, checking the invariants after every step.
/// </summary>
public class ScenarioFileTests
{
    public static TheoryData<string, string> FilesTimesEngines()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in ScenarioFiles.Runnable())
        {
            foreach (var engine in MachineFactory.Engines)
            {
                data.Add(file, engine);
            }
        }
        return data;
    }

    public static TheoryData<string> Files() => new(ScenarioFiles.Runnable());

    /// <summary>The runnable files of up to 2^20 RAM pages (the 1M-page benchmark file has 2^21).</summary>
    public static TheoryData<string> SmallFiles() =>
        new(ScenarioFiles.Runnable().Where(f => ScenarioLoader.LoadFile(ScenarioFiles.Full(f)).Machine.RamPages <= 1 << 20));

    [Theory]
    [MemberData(nameof(FilesTimesEngines))]
    public void EveryExpectationHoldsAndNoInvariantBreaks(string file, string engine)
    {
        var scenario = ScenarioLoader.LoadFile(ScenarioFiles.Full(file));
        var result = ScenarioRunner.Run(scenario, engine, checkEveryStep: true);
        var problems = result.Steps
            .SelectMany(s => s.ExpectFailures.Select(m => $"step {s.Index} {s.Op}: {m}")
                .Concat((s.Invariants?.Details ?? []).Select(d => $"step {s.Index} {s.Op}: invariant: {d}")))
            .ToList();
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        Assert.True(result.Ok);
        Assert.All(result.Steps, s => Assert.Equal(0, s.Invariants!.Violations));
    }

    /// <summary>The two engines give identical results apart from timing fields.</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void EnginesAgreeApartFromTiming(string file)
    {
        var scenario = ScenarioLoader.LoadFile(ScenarioFiles.Full(file));
        var texts = MachineFactory.Engines
            .Select(e => ScenarioRunner.Run(scenario, e).ToJson(includeTiming: false))
            .Select(j =>
            {
                j["engine"] = "";
                return j.ToJsonString();
            })
            .ToList();
        Assert.All(texts, t => Assert.Equal(texts[0], t));
    }

    /// <summary>
    /// The chunk capacity is storage, not semantics: tiny chunks (a chunk boundary every 64 pages) and large ones give
    /// the document of the default. The 2^18-row chunks of large machines run in the 1M-page file above.
    /// </summary>
    [Theory]
    [MemberData(nameof(SmallFiles))]
    public void ChunkCapacityDoesNotChangeTheResult(string file)
    {
        var scenario = ScenarioLoader.LoadFile(ScenarioFiles.Full(file));
        var expected = ScenarioRunner.Run(scenario, "ecs").ToJsonString(includeTiming: false);
        foreach (var capacity in new[] { 64, 1 << 16 })
        {
            using var machine = new EcsMachine(scenario.Machine, new WorldOptions { ChunkCapacity = capacity });
            Assert.Equal(expected, ScenarioRunner.Run(scenario, machine).ToJsonString(includeTiming: false));
        }
    }

    /// <summary>The runs timed by hand are valid files (README, "Fault-driven workloads", gives their times).</summary>
    [Fact]
    public void TheTimedScenariosLoad()
    {
        var files = ScenarioFiles.Timed().ToList();
        Assert.Contains("timing/workload-random-1m.json", files);
        foreach (var f in files)
        {
            Assert.NotEmpty(ScenarioLoader.LoadFile(ScenarioFiles.Full(f)).Steps);
        }
    }

    /// <summary>The scale scenarios are valid files (they are run by the benchmarks, not here).</summary>
    [Fact]
    public void TheScaleScenariosLoad()
    {
        var files = ScenarioFiles.Scale().ToList();
        Assert.Contains("scale/migrate-10m-pinned.json", files);
        foreach (var f in files)
        {
            var s = ScenarioLoader.LoadFile(ScenarioFiles.Full(f));
            Assert.True(s.Machine.RamPages >= 10_000_000, f);
        }
    }

    [Fact]
    public void OurScenariosAreFound()
    {
        var files = ScenarioFiles.Runnable().ToList();
        Assert.Contains("shared/quickstart.json", files);
        Assert.Contains("reasons-collect.json", files);
        // Bench/scenarios/** reaches the test output through the project reference: the 1M-page run is tested too.
        Assert.Contains("migrate-1m-pinned.json", files);
        Assert.True(files.Count >= 10);
    }
}
