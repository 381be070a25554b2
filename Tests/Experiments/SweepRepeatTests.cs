using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

/// <summary>Issue 11's honest timing: repetitions with their own column, unrecorded warm-up runs, the machine's build time as a column.</summary>
public sealed class SweepRepeatTests : ExperimentFiles
{
    [Fact]
    public void RepetitionsAreRowsOfTheirOwnWithEqualResults()
    {
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..2", "--repeat", "3", "--warmup", "2", "--out", At("out"), "--jobs", "2"));
        Assert.Contains("2 of 2 runs × 3", Out.ToString());
        Assert.Contains("warm-up 2", Out.ToString());
        var files = Directory.GetFiles(Path.Combine(At("out"), "runs")).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(["run-00000.r0.json", "run-00000.r1.json", "run-00000.r2.json", "run-00001.r0.json", "run-00001.r1.json", "run-00001.r2.json"], files);
        var t = CsvTable.Read(Path.Combine(At("out"), "sweep.csv"));
        int run = t.IndexOf("run"), rep = t.IndexOf("repetition"), setup = t.IndexOf("setupMs"), migrated = t.IndexOf("migrated"), op = t.IndexOf("op");
        Assert.Equal(30, t.Rows.Count); // 2 runs × 3 repetitions × 5 counted steps
        Assert.Equal([0L, 0L, 0L, 0L, 0L, 1L, 1L, 1L, 1L, 1L, 2L], t.Rows.Take(11).Select(r => (long)r[rep]!));
        Assert.All(t.Rows, r => Assert.True((double)r[setup]! > 0, "the machine's build time is a column"));
        // Repetitions differ in timing only.
        foreach (var id in new[] { 0L, 1L })
        {
            var perRep = t.Rows.Where(r => (long)r[run]! == id && (string)r[op]! == "migrate").GroupBy(r => (long)r[rep]!)
                .Select(g => string.Join(",", g.Select(r => r[migrated]))).Distinct();
            Assert.Single(perRep);
        }
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(At("out"), "sweep.json")))!;
        Assert.Equal(3, manifest["repeat"]!.GetValue<int>());
        Assert.Equal(2, manifest["warmup"]!.GetValue<int>());
        Assert.Equal(6, manifest["done"]!.GetValue<int>());
    }

    [Fact]
    public void ARepeatedSweepResumesAndMergesByRepetition()
    {
        string[] sweep = ["sweep", ScenarioPath, "--set", "seed=1..4", "--repeat", "2"];
        Assert.Equal(0, Hmmecs([.. sweep, "--out", At("s0"), "--shard", "0/2"]));
        Assert.Equal(0, Hmmecs([.. sweep, "--out", At("s1"), "--shard", "1/2"]));
        File.Delete(Path.Combine(At("s1"), "runs", "run-00003.r1.json"));
        Assert.Equal(0, Hmmecs([.. sweep, "--out", At("s1"), "--shard", "1/2", "--resume"]));
        Assert.Contains("3 done before, resuming", Out.ToString());
        Assert.Equal(0, Hmmecs("merge", At("s0"), At("s1"), "--out", At("m")));
        Assert.Equal(8, Directory.GetFiles(Path.Combine(At("m"), "runs")).Length);
        // Another repetition count is another plan.
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..4", "--repeat", "3", "--out", At("s3"), "--shard", "1/2"));
        Assert.Equal(2, Hmmecs("merge", At("s0"), At("s3"), "--out", At("m2")));
    }

    [Theory]
    [InlineData("--repeat", "0")]
    [InlineData("--repeat", "x")]
    [InlineData("--warmup", "-1")]
    public void BadCountsExitTwo(string option, string value)
    {
        Assert.Equal(2, Hmmecs("sweep", ScenarioPath, "--set", "seed=1", "--out", At("out"), option, value));
        Assert.Contains(option, Err.ToString());
    }
}
