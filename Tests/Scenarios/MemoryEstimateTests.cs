using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Resources;
using HmmEcs.Tests.Experiments;

namespace HmmEcs.Tests.Scenarios;

/// <summary>The estimate of a scenario's peak memory, which sizes a sweep's default <c>--jobs</c>.</summary>
public sealed class MemoryEstimateTests : ExperimentFiles
{
    [Fact]
    public void TheScaleRunsAreEstimatedAtOrAboveTheirMeasuredPeaks()
    {
        // Peaks measured with /usr/bin/time (BENCHMARKS.md, issue 10): 1,434,000 KiB at 10M pages, 14.55 GB at 100M.
        var ten = MemoryEstimate.Bytes(ScenarioLoader.LoadFile(ScenarioFiles.Full("scale/migrate-10m-pinned.json")), "ecs");
        var hundred = MemoryEstimate.Bytes(ScenarioLoader.LoadFile(ScenarioFiles.Full("scale/migrate-100m-pinned.json")), "ecs");
        Assert.InRange(ten, 1_434_000L * 1024, 1_434_000L * 1024 * 13 / 10);
        Assert.InRange(hundred, 14_550_000_000L, 14_550_000_000L * 13 / 10);
        Assert.True(MemoryEstimate.Bytes(ScenarioLoader.LoadFile(ScenarioFiles.Full("scale/migrate-10m-pinned.json")), "reference") > ten);
    }

    [Fact]
    public void ForksBytesPayloadAndHugeSizesCount()
    {
        const string Two = """{ "steps": [ { "op": "process", "name": "p" }, { "op": "mmap", "proc": "p", "vma": "a", "pages": 1000000, "kind": "anon" } ] }""";
        var one = MemoryEstimate.Bytes(ScenarioLoader.Parse(Two, "t"), "ecs");
        var forked = MemoryEstimate.Bytes(ScenarioLoader.Parse(Two.Replace("] }", """, { "op": "fork", "proc": "p", "child": "c" } ] }"""), "t"), "ecs");
        var bytes = MemoryEstimate.Bytes(ScenarioLoader.Parse(Two.Replace("{ \"steps\"", "{ \"payload\": \"bytes\", \"steps\""), "t"), "ecs");
        Assert.True(forked > one);
        Assert.True(bytes > one + 8_000_000_000L, "bytes payload: 4096 bytes a written page, twice while it is copied");
        var huge = MemoryEstimate.Bytes(ScenarioLoader.Parse("""{ "ram": { "pages": 9000000000000000000 }, "steps": [] }""", "t"), "ecs");
        Assert.Equal(long.MaxValue, huge);
    }

    [Fact]
    public void ASweepOfRunsLargerThanMemoryRunsOneAtATimeAndSaysWhy()
    {
        // 10^12 RAM pages: no machine holds it; shard 1 of 2 of a one-run sweep runs nothing, so only the plan is judged.
        var file = Write("huge.json", """{ "ram": { "pages": 1000000000000 }, "steps": [ { "op": "stats" } ] }""");
        Assert.Equal(0, Hmmecs("sweep", file, "--set", "seed=1", "--shard", "1/2", "--out", At("out")));
        Assert.Contains("jobs 1: ", Out.ToString());
        Assert.Contains("one run needs about 42000.05 GB", Out.ToString());
        Assert.Equal(0, Hmmecs("sweep", file, "--set", "seed=1", "--shard", "1/2", "--out", At("out2"), "--jobs", "2"));
        Assert.Contains("WARNING: 2 at a time may not fit, 1 would", Out.ToString());
    }
}
