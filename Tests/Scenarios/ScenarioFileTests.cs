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
