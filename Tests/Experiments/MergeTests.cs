using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

/// <summary>Issue 11's merge: it refuses partial input (exit 1) and mixed sweeps (exit 2), and reads only what the shards' manifests list.</summary>
public sealed class MergeTests : ExperimentFiles
{
    private string[] Shard(int i, int n, string? scenario = null) =>
        ["sweep", scenario ?? ScenarioPath, "--set", "seed=1..5", "--out", At($"shard{i}"), "--shard", $"{i}/{n}", "--jobs", "1"];

    [Fact]
    public void AMissingShardIsExitOneAndNothingIsWritten()
    {
        Assert.Equal(0, Hmmecs(Shard(0, 2)));
        Assert.Equal(1, Hmmecs("merge", At("shard0"), "--out", At("merged")));
        Assert.Contains("missing runs (2 of 5): 1, 3", Err.ToString());
        Assert.False(Directory.Exists(At("merged")));
    }

    [Fact]
    public void AnIncompleteShardIsExitOne()
    {
        Assert.Equal(0, Hmmecs(Shard(0, 2)));
        Assert.Equal(0, Hmmecs(Shard(1, 2)));
        var manifest = Path.Combine(At("shard1"), "sweep.json");
        var m = JsonNode.Parse(File.ReadAllText(manifest))!;
        m["complete"] = false;
        m["done"] = 1;
        File.WriteAllText(manifest, m.ToJsonString());
        File.Delete(Path.Combine(At("shard1"), "runs", "run-00003.json"));
        Assert.Equal(1, Hmmecs("merge", At("shard0"), At("shard1"), "--out", At("merged")));
        Assert.Contains("incomplete shards", Err.ToString());
        Assert.Contains("(1 of 2 runs)", Err.ToString());
        Assert.False(Directory.Exists(At("merged")));
    }

    [Fact]
    public void ShardsOfAnEditedScenarioAreADifferentSweep()
    {
        Assert.Equal(0, Hmmecs(Shard(0, 2)));
        var edited = Write("edited.json", Small.Replace("\"salt\": 3", "\"salt\": 4"));
        Assert.Equal(0, Hmmecs(Shard(1, 2, edited)));
        Assert.Equal(2, Hmmecs("merge", At("shard0"), At("shard1"), "--out", At("merged")));
        Assert.Contains("a different sweep", Err.ToString());
    }

    [Fact]
    public void TheSameFileSpelledOtherwiseMergesAndStaleFilesStayOut()
    {
        Assert.Equal(0, Hmmecs(Shard(0, 2)));
        Assert.Equal(0, Hmmecs(Shard(1, 2, Path.Combine(Dir, ".", "small.json"))));
        // A file planted in a shard's runs folder is no run of its manifest.
        File.WriteAllText(Path.Combine(At("shard1"), "runs", "run-00099.json"), "{}");
        Assert.Equal(0, Hmmecs("merge", At("shard1"), At("shard0"), "--out", At("merged")));
        Assert.Equal(
            ["run-00000.json", "run-00001.json", "run-00002.json", "run-00003.json", "run-00004.json"],
            Directory.GetFiles(Path.Combine(At("merged"), "runs")).Select(Path.GetFileName).Order());
        var table = CsvTable.Read(Path.Combine(At("merged"), "sweep.csv"));
        // Five counted steps a run, runs in order.
        Assert.Equal(Enumerable.Range(0, 25).Select(i => (long)(i / 5)), table.Rows.Select(r => (long)r[0]!));
        var m = JsonNode.Parse(File.ReadAllText(Path.Combine(At("merged"), "sweep.json")))!;
        Assert.Equal("merged", m["shard"]!.GetValue<string>());
        Assert.True(m["complete"]!.GetValue<bool>());
        Assert.Equal("merge", m["provenance"]!["commandLine"]![1]!.GetValue<string>());
        // The merged folder is now used: a second merge into it needs --force.
        Assert.Equal(2, Hmmecs("merge", At("shard1"), At("shard0"), "--out", At("merged")));
        Assert.Equal(0, Hmmecs("merge", At("shard1"), At("shard0"), "--out", At("merged"), "--force"));
    }

    [Fact]
    public void ADirectoryGivenTwiceIsSaidSoAndOneDirectoryIsSingular()
    {
        Assert.Equal(0, Hmmecs(Shard(0, 1)));
        Assert.Equal(2, Hmmecs("merge", At("shard0"), At("shard0"), "--out", At("merged")));
        Assert.Equal($"hmmecs merge: {At("shard0")} is given twice: name each shard once", Err.ToString().TrimEnd());
        Assert.Equal(2, Hmmecs("merge", At("shard0"), At("shard0") + "/", "--out", At("merged")));
        Assert.Equal($"hmmecs merge: {At("shard0")}/ is given twice (also as {At("shard0")}): name each shard once", Err.ToString().TrimEnd());
        Assert.False(Directory.Exists(At("merged")));
        Assert.Equal(0, Hmmecs("merge", At("shard0"), "--out", At("merged")));
        Assert.StartsWith("merged 1 directory: 5 of 5 runs", Out.ToString());
    }

    [Fact]
    public void ADirectoryWithoutAManifestIsNoSweep()
    {
        Directory.CreateDirectory(At("empty"));
        Assert.Equal(2, Hmmecs("merge", At("empty"), "--out", At("merged")));
        Assert.Contains("not a sweep output directory", Err.ToString());
    }

    [Fact]
    public void CsvOnlyShardsMergeWithTheirColumnsWidened()
    {
        Assert.Equal(0, Hmmecs(Shard(0, 2)));
        Assert.Equal(0, Hmmecs(Shard(1, 2)));
        File.Delete(Path.Combine(At("shard0"), "sweep.parquet"));
        File.Delete(Path.Combine(At("shard1"), "sweep.parquet"));
        Assert.Equal(0, Hmmecs("merge", At("shard0"), At("shard1"), "--out", At("merged")));
        var merged = ParquetTable.Read(Path.Combine(At("merged"), "sweep.parquet"));
        Assert.Equal(25, merged.Rows.Count);
        Assert.Equal(ColumnKind.Double, merged.Columns[merged.IndexOf("wallMs")].Kind);
    }

    [Fact]
    public void MergeForceReplacesTheOldSweepFilesAndAShardIsNoOut()
    {
        Assert.Equal(0, Hmmecs(Shard(0, 2)));
        Assert.Equal(0, Hmmecs(Shard(1, 2)));
        Directory.CreateDirectory(Path.Combine(At("merged"), "runs"));
        File.WriteAllText(Path.Combine(At("merged"), "runs", "run-00042.json"), "{}");
        Assert.Equal(0, Hmmecs("merge", At("shard0"), At("shard1"), "--out", At("merged"), "--force"));
        Assert.Equal(5, Directory.GetFiles(Path.Combine(At("merged"), "runs")).Length);
        Assert.Equal(2, Hmmecs("merge", At("shard0"), At("shard1"), "--out", At("shard0"), "--force"));
        Assert.Contains("merge into a folder of its own", Err.ToString());
        Assert.Equal(2, Hmmecs("merge", At("shard0"), At("shard1"), "--out", Path.Combine(At("shard1"), "m")));
        Assert.Equal("0/2", System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(At("shard0"), "sweep.json")))!["shard"]!.GetValue<string>());
    }
}
