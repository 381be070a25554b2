using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Output;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

/// <summary>
/// Issue 11's sweep directory rules: nothing stale is read into a table, a used <c>--out</c> is refused unless
/// <c>--resume</c> (this sweep) or <c>--force</c>, and manifests and run documents carry provenance.
/// </summary>
public sealed class SweepDirectoryTests : ExperimentFiles
{
    [Fact]
    public void ANonEmptyOutThatIsNoSweepIsRefusedUnlessForced()
    {
        var outDir = At("out");
        Directory.CreateDirectory(Path.Combine(outDir, "runs"));
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "mine");
        var stale = Path.Combine(outDir, "runs", "run-00007.json");
        File.WriteAllText(stale, "{}");
        Assert.Equal(2, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..2", "--out", outDir));
        Assert.Contains("is not empty", Err.ToString());
        Assert.Contains("--force", Err.ToString());
        Assert.False(File.Exists(Path.Combine(outDir, "sweep.json")), "a refused sweep writes nothing");

        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..2", "--out", outDir, "--force"));
        Assert.False(File.Exists(stale), "--force removes the old run documents");
        Assert.True(File.Exists(Path.Combine(outDir, "notes.txt")), "--force touches nothing but sweep files");
        Assert.Equal(["run-00000.json", "run-00001.json"], Directory.GetFiles(Path.Combine(outDir, "runs")).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void RerunningASweepIntoItsOwnOutNeedsResumeOrForce()
    {
        var outDir = At("out");
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..3", "--out", outDir, "--jobs", "1"));
        var first = File.ReadAllText(Path.Combine(outDir, "sweep.csv"));
        Assert.Equal(2, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..3", "--out", outDir));
        Assert.Contains("holds this sweep already (3 of 3 runs done, complete)", Err.ToString());
        // Another plan into the same folder is refused even with --resume.
        Assert.Equal(2, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..4", "--out", outDir, "--resume"));
        Assert.Contains("holds a different sweep", Err.ToString());
        // Resuming a complete sweep runs nothing and rewrites the same table.
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..3", "--out", outDir, "--resume"));
        Assert.Contains("3 done before, resuming", Out.ToString());
        Assert.Equal(first, File.ReadAllText(Path.Combine(outDir, "sweep.csv")));
        Assert.Equal(2, Hmmecs("sweep", ScenarioPath, "--set", "seed=1", "--out", At("x"), "--resume", "--force"));
    }

    [Fact]
    public void AResumeRunsOnlyWhatIsMissingAndIgnoresDebris()
    {
        string[] sweep = ["sweep", ScenarioPath, "--set", "seed=1..6", "--jobs", "2"];
        Assert.Equal(0, Hmmecs([.. sweep, "--out", At("whole")]));
        var outDir = At("out");
        Assert.Equal(0, Hmmecs([.. sweep, "--out", outDir]));
        // A crash: two runs lost, one cut mid-write under its final name, a temporary file left, no tables.
        var runs = Path.Combine(outDir, "runs");
        File.Delete(Path.Combine(runs, "run-00001.json"));
        File.Delete(Path.Combine(runs, "run-00004.json"));
        var cut = Path.Combine(runs, "run-00002.json");
        File.WriteAllText(cut, File.ReadAllText(cut)[..100]);
        File.WriteAllText(Path.Combine(runs, "run-00003.json" + AtomicFile.TemporarySuffix), "{");
        File.Delete(Path.Combine(outDir, "sweep.csv"));
        File.Delete(Path.Combine(outDir, "sweep.parquet"));
        var before = File.GetLastWriteTimeUtc(Path.Combine(runs, "run-00000.json"));

        Assert.Equal(0, Hmmecs([.. sweep, "--out", outDir, "--resume"]));
        Assert.Contains("3 done before, resuming", Out.ToString());
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(runs, "run-00000.json")));
        Assert.Equal(6, Directory.GetFiles(runs).Length);
        Assert.Equal(Strip(CsvTable.Read(Path.Combine(At("whole"), "sweep.csv"))), Strip(CsvTable.Read(Path.Combine(outDir, "sweep.csv"))));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")))!;
        Assert.True(manifest["complete"]!.GetValue<bool>());
        Assert.Equal(6, manifest["done"]!.GetValue<int>());
    }

    [Fact]
    public void ManifestAndRunDocumentsCarryProvenance()
    {
        var outDir = At("out");
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..2", "--out", outDir));
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ScenarioPath)));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")))!;
        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "runs", "run-00001.json")))!;
        Assert.Equal(manifest["plan"]!.GetValue<string>(), run["plan"]!.GetValue<string>());
        foreach (var p in new[] { manifest["provenance"]!, run["provenance"]! })
        {
            Assert.Equal(sha, p["scenarioSha256"]!.GetValue<string>());
            Assert.Matches(@"^\d+\.\d+\.\d+", p["version"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(p["commit"]!.GetValue<string>()));
            Assert.Equal(["hmmecs", "sweep", ScenarioPath, "--set", "seed=1..2", "--out", outDir], p["commandLine"]!.AsArray().Select(a => a!.GetValue<string>()));
            var started = DateTime.Parse(p["startedUtc"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            var ended = DateTime.Parse(p["endedUtc"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
            Assert.True(started <= ended);
            Assert.True(Math.Abs((DateTime.UtcNow - ended).TotalMinutes) < 10);
            Assert.Equal(Environment.MachineName, p["host"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(p["os"]!.GetValue<string>()));
            Assert.StartsWith(".NET", p["dotnet"]!.GetValue<string>());
        }
        Assert.Equal("0/1", manifest["shard"]!.GetValue<string>());
        Assert.Equal([0, 1], manifest["runIds"]!.AsArray().Select(n => n!.GetValue<int>()));
    }

    [Fact]
    public void ADamagedRunDocumentOfThisSweepIsRunAgainOnResume()
    {
        string[] sweep = ["sweep", ScenarioPath, "--set", "seed=1..4", "--jobs", "1"];
        Assert.Equal(0, Hmmecs([.. sweep, "--out", At("whole")]));
        var outDir = At("out");
        Assert.Equal(0, Hmmecs([.. sweep, "--out", outDir]));
        // Right plan, wrong types or missing fields: each must be run again, not read into the table.
        var runs = Path.Combine(outDir, "runs");
        foreach (var (file, edit) in new (string, Action<JsonObject>)[]
        {
            ("run-00000.json", d => d["run"] = "0"),
            ("run-00001.json", d => d.Remove("ok")),
            ("run-00002.json", d => d["steps"]![0]!.AsObject()["index"] = "x"),
        })
        {
            var path = Path.Combine(runs, file);
            var doc = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            edit(doc);
            File.WriteAllText(path, doc.ToJsonString());
        }
        Assert.Equal(0, Hmmecs([.. sweep, "--out", outDir, "--resume"]));
        Assert.Contains("1 done before, resuming", Out.ToString());
        Assert.Equal(Strip(CsvTable.Read(Path.Combine(At("whole"), "sweep.csv"))), Strip(CsvTable.Read(Path.Combine(outDir, "sweep.csv"))));
    }

    [Fact]
    public void AFolderKilledBeforeItsManifestIsStillUsable()
    {
        // What a writer killed between making the folder and writing the manifest leaves: an empty runs folder and
        // a temporary manifest. The next sweep (with or without --resume) takes the folder as empty.
        var outDir = At("out");
        Directory.CreateDirectory(Path.Combine(outDir, "runs"));
        File.WriteAllText(Path.Combine(outDir, "sweep.json" + AtomicFile.TemporarySuffix), "{");
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..2", "--out", outDir, "--resume"));
        Assert.False(File.Exists(Path.Combine(outDir, "sweep.json" + AtomicFile.TemporarySuffix)));
        Assert.True(JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")))!["complete"]!.GetValue<bool>());
    }
}
