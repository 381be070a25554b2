using System.Globalization;
using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

public sealed class SweepCommandTests : ExperimentFiles
{
    /// <summary>
    /// A touch's <c>faults</c> is an object, a device-read's a count, a workload's <c>faults.total</c> a count under
    /// an object: one table holds them all, each row filling the columns its op has.
    /// </summary>
    [Fact]
    public void OpsWhoseKeysShareANameTabulateTogether()
    {
        var scenario = At("mixed.json");
        File.WriteAllText(scenario, """
            { "devices": [ { "name": "gpu0", "pages": 64 } ],
              "steps": [
                { "op": "process", "name": "p" },
                { "op": "mmap", "proc": "p", "vma": "a", "pages": 16, "kind": "anon" },
                { "op": "touch", "proc": "p", "vma": "a", "access": "write" },
                { "op": "device-read", "device": "gpu0", "proc": "p", "vma": "a", "pattern": "zero" },
                { "op": "workload", "device": "gpu0", "proc": "p", "vma": "a", "pattern": { "kind": "stream" }, "accesses": 32, "parallel": 16 },
                { "op": "migrate", "proc": "p", "vma": "a", "to": "ram" }
              ] }
            """);
        var outDir = At("out");
        Assert.Equal(0, Hmmecs("sweep", scenario, "--set", "seed=1..2", "--out", outDir, "--jobs", "1"));
        var all = CsvTable.Read(Path.Combine(outDir, "sweep.csv"));
        int op = all.IndexOf("op"), faults = all.IndexOf("faults"), total = all.IndexOf("faults.total"), migrated = all.IndexOf("migrated");
        var rows = all.Rows.Take(4).ToArray();
        Assert.Equal(["touch", "device-read", "workload", "migrate"], rows.Select(r => (string)r[op]!));
        Assert.Equal([null, 16L, null, null], rows.Select(r => r[faults]));
        Assert.Equal([null, null, 0L, null], rows.Select(r => r[total]));
        // The device-read mapped every page remotely, so the workload hits all 32 accesses and migrates nothing.
        Assert.Equal([null, null, 0L, 0L], rows.Select(r => r[migrated]));
    }

    /// <summary>A trace is found beside the scenario file in every run, whatever the current directory.</summary>
    [Fact]
    public void ASweptWorkloadFindsItsTraceBesideTheScenario()
    {
        var folder = At("traced");
        Directory.CreateDirectory(Path.Combine(folder, "traces"));
        File.WriteAllText(Path.Combine(folder, "traces", "t.csv"), "0,r\n1,r\n2,r\n3,r\n");
        var scenario = Path.Combine(folder, "s.json");
        File.WriteAllText(scenario, """
            { "devices": [ { "name": "gpu0", "pages": 64 } ],
              "steps": [
                { "op": "process", "name": "p" },
                { "op": "mmap", "proc": "p", "vma": "a", "pages": 16, "kind": "anon" },
                { "op": "workload", "device": "gpu0", "proc": "p", "vma": "a", "pattern": { "kind": "trace", "file": "traces/t.csv" } }
              ] }
            """);
        var outDir = At("out");
        Assert.Equal(0, Hmmecs("sweep", scenario, "--set", "steps[2].parallel=1,4", "--out", outDir, "--jobs", "1"));
        var all = CsvTable.Read(Path.Combine(outDir, "sweep.csv"));
        // One stream: four batches of one fault; four streams: one batch of four.
        Assert.Equal([4L, 1L], all.Rows.Select(r => r[all.IndexOf("batches")]));
    }

    [Fact]
    public void TheCrossProductRunsEveryCombinationAndTabulatesEachMigrate()
    {
        var outDir = At("out");
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "devices[0].maxBatchPages=4,16", "--set", "seed=1..3", "--out", outDir, "--jobs", "2"));
        Assert.Equal("", Err.ToString());
        var runs = Directory.GetFiles(Path.Combine(outDir, "runs"), "*.json").Order().ToArray();
        Assert.Equal(6, runs.Length);
        var all = CsvTable.Read(Path.Combine(outDir, "sweep.csv"));
        // Every step with counters has a row: 6 runs × (touch, pin, migrate, touch, migrate).
        Assert.Equal(30, all.Rows.Count);
        var opColumn = all.IndexOf("op");
        Assert.Equal(["touch", "pin", "migrate", "touch", "migrate"], all.Rows.Take(5).Select(r => (string)r[opColumn]!));
        Assert.Null(all.Rows[0][all.IndexOf("migrated")]); // a touch has no migrate fields
        Assert.Equal(128L, all.Rows[0][all.IndexOf("faults.new")]);
        var table = new ResultTable(all.Columns);
        foreach (var r in all.Rows.Where(r => (string)r[opColumn]! == "migrate"))
        {
            table.Add(r);
        }
        Assert.Equal(12, table.Rows.Count); // 6 runs × 2 migrate steps
        int run = table.IndexOf("run"), batch = table.IndexOf("devices[0].maxBatchPages"), seed = table.IndexOf("seed"),
            setSeed = table.IndexOf("set.seed"), step = table.IndexOf("step"), batches = table.IndexOf("copy.batches"),
            migrated = table.IndexOf("migrated"), pinned = table.IndexOf("reasons.pinned");
        Assert.True(setSeed > 0, "a --set path equal to a fixed column gets the set. prefix");
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            var id = (long)row[run]!;
            Assert.Equal(r / 2, id); // run order, steps in order within a run
            // The first --set varies slowest: runs 0..2 have 4-page batches, 3..5 have 16.
            Assert.Equal(id < 3 ? 4L : 16L, row[batch]);
            Assert.Equal(id % 3 + 1, row[seed]);
            Assert.Equal(row[seed], row[setSeed]);
            var doc = JsonNode.Parse(File.ReadAllText(runs[id]))!;
            Assert.Equal(id, doc["run"]!.GetValue<long>());
            Assert.Equal(row[batch], doc["parameters"]!["devices[0].maxBatchPages"]!.GetValue<long>());
            var stepJson = doc["steps"]!.AsArray().Single(s => s!["index"]!.GetValue<long>() == (long)row[step]!)!;
            Assert.Equal(stepJson["migrated"]!.GetValue<long>(), row[migrated]);
            Assert.Equal(stepJson["reasons"]!["pinned"]!.GetValue<long>(), row[pinned]);
            Assert.Equal(stepJson["copy"]!["batches"]!.GetValue<long>(), row[batches]);
        }
        // Smaller commands mean more of them for the same pages.
        Assert.True((long)table.Rows[0][batches]! > (long)table.Rows[6][batches]!);
    }

    [Fact]
    public void TheProfileOptionIsAOneValueParameterAndEveryProfileSweeps()
    {
        var outDir = At("out");
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..2", "--profile", "v13", "--out", outDir, "--jobs", "1"));
        var table = CsvTable.Read(Path.Combine(outDir, "sweep.csv"));
        Assert.All(table.Rows, r => Assert.Equal("v13", r[table.IndexOf("profile")]));
        var doc = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(Path.Combine(outDir, "runs"), "*.json").Order().First()))!;
        Assert.Equal("v13", (string?)doc["profile"]);

        // Every profile runs: a sweep over all three is one command, a column of the table.
        var all = At("out2");
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "profile=v13,v13-as-posted,mainline", "--out", all, "--jobs", "1"));
        var profiles = CsvTable.Read(Path.Combine(all, "sweep.csv"));
        Assert.Equal(["mainline", "v13", "v13-as-posted"], profiles.Rows.Select(r => (string)r[profiles.IndexOf("profile")]!).Distinct().Order());
        Assert.Equal(2, Hmmecs("sweep", ScenarioPath, "--set", "profile=v13", "--profile", "v13", "--out", At("out4")));
    }

    [Fact]
    public void ParquetHoldsTheSameTableWithPlainColumnTypes()
    {
        var outDir = At("out");
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "steps[6].to=gpu0,ram", "--out", outDir, "--jobs", "1"));
        var csv = CsvTable.Read(Path.Combine(outDir, "sweep.csv"));
        var parquet = ParquetTable.Read(Path.Combine(outDir, "sweep.parquet"));
        Assert.Equal(csv.Columns.Select(c => c.Name), parquet.Columns.Select(c => c.Name));
        Assert.Equal(10, parquet.Rows.Count);
        Assert.Equal(ColumnKind.String, parquet.Columns[parquet.IndexOf("steps[6].to")].Kind);
        Assert.Equal(ColumnKind.Double, parquet.Columns[parquet.IndexOf("copy.deviceTimeUs")].Kind);
        Assert.Equal(ColumnKind.Int64, parquet.Columns[parquet.IndexOf("reasons.already-on-target")].Kind);
        for (var r = 0; r < csv.Rows.Count; r++)
        {
            Assert.Equal(csv.Rows[r], parquet.Rows[r]);
        }
        // The second migrate of the run to ram finds its 32 pages in RAM already.
        var to = parquet.IndexOf("steps[6].to");
        var already = parquet.IndexOf("reasons.already-on-target");
        var last = parquet.Rows.Last(r => (string)r[to]! == "ram" && (string)r[parquet.IndexOf("op")]! == "migrate");
        Assert.Equal(32L, last[already]);
    }

    [Fact]
    public void ShardsAreDisjointAndTheirMergeEqualsTheWholeSweep()
    {
        string[] sets = ["--set", "seed=1..5", "--set", "devices[0].copyEngines=1,3"];
        Assert.Equal(0, Hmmecs(["sweep", ScenarioPath, .. sets, "--out", At("all"), "--jobs", "2"]));
        var shards = new List<string>();
        var seen = new HashSet<long>();
        for (var i = 0; i < 3; i++)
        {
            var dir = At($"shard{i}");
            shards.Add(dir);
            Assert.Equal(0, Hmmecs(["sweep", ScenarioPath, .. sets, "--out", dir, "--shard", $"{i}/3", "--jobs", "1"]));
            var t = ParquetTable.Read(Path.Combine(dir, "sweep.parquet"));
            foreach (var id in t.Rows.Select(r => (long)r[0]!).Distinct())
            {
                Assert.Equal(i, id % 3);
                Assert.True(seen.Add(id), $"run {id} in two shards");
            }
        }
        Assert.Equal(10, seen.Count);
        Assert.Equal(0, Hmmecs(["merge", shards[2], shards[0], shards[1], "--out", At("merged")]));
        var whole = CsvTable.Read(Path.Combine(At("all"), "sweep.csv"));
        foreach (var merged in new[] { CsvTable.Read(Path.Combine(At("merged"), "sweep.csv")), ParquetTable.Read(Path.Combine(At("merged"), "sweep.parquet")) })
        {
            Assert.Equal(Strip(whole), Strip(merged));
        }
        Assert.Equal(10, Directory.GetFiles(Path.Combine(At("merged"), "runs")).Length);
        // The whole sweep and one of its shards hold the same runs in two places (a directory given twice: MergeTests).
        Assert.Equal(2, Hmmecs("merge", At("all"), shards[0], "--out", At("bad")));
        Assert.Contains($"run 0 is in both {At("all")} and {shards[0]}", Err.ToString());
    }

    [Fact]
    public void ShardIdsPartitionThePlan()
    {
        var plan = SweepPlan.Create(Small, "small", [SweepParameter.Parse("seed=1..7"), SweepParameter.Parse("steps[4].to=gpu0,ram")]);
        Assert.Equal(14, plan.Count);
        var all = Enumerable.Range(0, 4).SelectMany(i => plan.ShardIds(i, 4)).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 14), all);
        Assert.Equal([3, 1], plan.ValueIndexes(7)); // the last --set varies fastest
    }

    [Theory]
    [InlineData("devices[3].pages=1", "devices[3].pages")]
    [InlineData("steps[40].to=ram", "steps[40].to")]
    [InlineData("devices[0].maxBatchPages=16,0", "devices[0].maxBatchPages")]
    [InlineData("steps[4].to=gpu0,gpu7", "steps[4].to")]
    [InlineData("devices[0].bogus=1", "devices[0].bogus")]
    public void ABadPathOrValueExitsTwoNamingThePath(string set, string named)
    {
        Assert.Equal(2, Hmmecs("sweep", ScenarioPath, "--set", set, "--out", At("out")));
        Assert.Contains(named, Err.ToString());
        Assert.False(Directory.Exists(At("out")), "nothing runs when the sweep is invalid");
    }

    [Theory]
    [InlineData("--shard", "3/3")]
    [InlineData("--jobs", "0")]
    [InlineData("--engine", "gpu")]
    public void ABadOptionExitsTwo(string option, string value)
    {
        Assert.Equal(2, Hmmecs("sweep", ScenarioPath, "--set", "seed=1", "--out", At("out"), option, value));
        Assert.Contains(option == "--engine" ? "engine" : option, Err.ToString());
    }

    [Fact]
    public void AMissedExpectationIsRecordedAndFailsOnlyAStrictSweep()
    {
        string[] sweep = ["sweep", ScenarioPath, "--set", "steps[4].expect.migrated=112,5", "--engine", "reference"];
        Assert.Equal(0, Hmmecs([.. sweep, "--out", At("out")]));
        Assert.Contains("1 missed an expectation (recorded; --strict fails on it)", Out.ToString());
        Assert.Contains("1 expectation missed (recorded)", Out.ToString());
        var t = CsvTable.Read(Path.Combine(At("out"), "sweep.csv"));
        var migrates = t.Rows.Where(r => (string)r[t.IndexOf("op")]! == "migrate").ToList();
        var ok = t.IndexOf("runOk");
        var misses = t.IndexOf("expectFailures");
        Assert.Equal([1L, 1L, 0L, 0L], migrates.Select(r => (long)r[ok]!));
        Assert.Equal(1L, migrates[2][misses]);
        Assert.Contains("migrated", (string)migrates[2][t.IndexOf("expectFailureText")]!);
        Assert.Null(migrates[0][t.IndexOf("expectFailureText")]);
        Assert.Equal("reference", t.Rows[0][t.IndexOf("engine")]);

        Assert.Equal(1, Hmmecs([.. sweep, "--out", At("strict"), "--strict"]));
        Assert.Contains("FAILED: 1 missed an expectation of 2 runs", Out.ToString());
    }

    [Fact]
    public void ParametersMayNameStepsByIdAndCreateMissingObjects()
    {
        var file = Write("ids.json", Small.Replace("""{ "op": "pin", """, """{ "op": "pin", "id": "pins", """));
        Assert.Equal(0, Hmmecs("sweep", file, "--set", "steps[pins].every=4,8", "--set", "ram.pages=4096", "--out", At("out")));
        var t = CsvTable.Read(Path.Combine(At("out"), "sweep.csv"));
        var pins = t.Rows.Where(r => (string)r[t.IndexOf("op")]! == "pin").ToList();
        Assert.Equal([32L, 16L], pins.Select(r => (long)r[t.IndexOf("pages")]!));
        Assert.Equal([4L, 8L], pins.Select(r => (long)r[t.IndexOf("steps[pins].every")]!));
    }
}
