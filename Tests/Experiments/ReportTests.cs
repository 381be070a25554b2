using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Plots;
using HmmEcs.Cli.Experiments.Trace;

namespace HmmEcs.Tests.Experiments;

public sealed class ReportTests : ExperimentFiles
{
    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void IndexStartsWithASummaryRowPerMigrateStep(string engine)
    {
        var dir = At("report");
        Assert.Equal(0, Hmmecs("run", ScenarioPath, "--engine", engine, "--report", dir, "--json", At("r.json")));
        var index = File.ReadAllText(Path.Combine(dir, "index.md"));
        Assert.Contains("| step | to | requested | migrated | not migrated (reason: pages) | TLB flushes | copy pages | copy commands | device time |", index);
        var steps = JsonNode.Parse(File.ReadAllText(At("r.json")))!["steps"]!.AsArray();
        foreach (var index4or6 in new[] { 4, 6 })
        {
            var s = steps[index4or6]!;
            var copy = s["copy"]!;
            var reasons = string.Join(", ", s["reasons"]!.AsObject().Where(r => r.Value!.GetValue<long>() != 0).Select(r => $"{r.Key}: {r.Value}"));
            var row = $"| {index4or6} | gpu0 | {s["requested"]} | {s["migrated"]} | {(reasons.Length == 0 ? "–" : reasons)} | {s["tlbFlushes"]} | {copy["pages"]} | {copy["batches"]} | {TimeUnit.Format(copy["deviceTimeUs"]!.GetValue<double>())} |";
            Assert.Contains(row, index);
        }
        // The small scenario's first migrate: 128 requested, 112 copied, the 16 pinned pages left.
        Assert.Contains("| 4 | gpu0 | 128 | 112 | pinned: 16 |", index);
    }

    [Fact]
    public void BinnedBusyFractionsOfTwoCommandsOnOneEngine()
    {
        CopyCommand[] commands = [new(0, 0, 10, 0, 1), new(0, 20, 10, 1, 1)];
        var four = CopyUtilisation.Busy(commands, 2, 40, 4);
        Assert.Equal([1.0, 0.0, 1.0, 0.0], four[0]);
        Assert.Equal([0.0, 0.0, 0.0, 0.0], four[1]);
        Assert.Equal([0.5, 0.5], CopyUtilisation.Busy(commands, 1, 40, 2)[0]);
        // A command across a bin edge counts in both bins.
        Assert.Equal([0.5, 0.5], CopyUtilisation.Busy([new CopyCommand(0, 5, 10, 0, 1)], 1, 20, 2)[0]);
    }

    [Fact]
    public void TheTimelineIsBinnedAboveAFewHundredCommands()
    {
        Assert.False(CopyUtilisation.Binned(CopyUtilisation.MaxCommandsDrawn));
        Assert.True(CopyUtilisation.Binned(CopyUtilisation.MaxCommandsDrawn + 1));
        // 4096 pages in 8-page commands: 512 commands, drawn as utilisation; the small scenario's 16 are drawn one by one.
        var big = Write("big.json", """
            { "devices": [ { "name": "gpu0", "pages": 8192, "copyEngines": 2, "maxBatchPages": 8 } ], "steps": [
              { "op": "process", "name": "p" },
              { "op": "mmap", "proc": "p", "vma": "buf", "pages": 4096, "kind": "anon" },
              { "op": "touch", "proc": "p", "vma": "buf", "access": "write" },
              { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0", "expect": { "migrated": 4096 } } ] }
            """);
        Assert.Equal(0, Hmmecs("run", big, "--report", At("big")));
        var index = File.ReadAllText(Path.Combine(At("big"), "index.md"));
        Assert.Contains("512 commands are too many to draw one by one", index);
        Assert.Equal((900, 280), PngSize(Path.Combine(At("big"), "migrate-3-copy.png")));
        Assert.Equal(0, Hmmecs("run", ScenarioPath, "--report", At("small")));
        Assert.DoesNotContain("too many to draw", File.ReadAllText(Path.Combine(At("small"), "index.md")));
    }

    [Theory]
    [InlineData(1500, "1.5 ms")]
    [InlineData(12.25, "12.25 µs")]
    [InlineData(999, "999 µs")]
    [InlineData(258080.768, "258.081 ms")]
    [InlineData(2_500_000, "2.5 s")]
    public void TimesAreShownInAUnitThatSuitsThem(double us, string shown) => Assert.Equal(shown, TimeUnit.Format(us));
}
