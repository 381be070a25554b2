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
        // Peaks measured with /usr/bin/time (BENCHMARKS.md, issue 10): 1,137,140 KiB at 10M pages, 10,922,584 KiB at 100M.
        var ten = MemoryEstimate.Bytes(ScenarioLoader.LoadFile(ScenarioFiles.Full("scale/migrate-10m-pinned.json")), "ecs");
        var hundred = MemoryEstimate.Bytes(ScenarioLoader.LoadFile(ScenarioFiles.Full("scale/migrate-100m-pinned.json")), "ecs");
        Assert.InRange(ten, 1_137_140L * 1024, 1_137_140L * 1024 * 13 / 10);
        Assert.InRange(hundred, 10_922_584L * 1024, 10_922_584L * 1024 * 13 / 10);
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
        // A host may build a scenario in code past the file limits: the estimate saturates instead of wrapping.
        var huge = MemoryEstimate.Bytes(new HmmEcs.Systems.ScenarioLanguage.Model.Scenario("t", new HmmEcs.Systems.Machine.MachineConfig(9_000_000_000_000_000_000), []), "ecs");
        Assert.Equal(long.MaxValue, huge);
    }

    [Theory]
    [InlineData(null, 1_500_000_000L, 24_000_000_000L, 2, 2, "jobs 2: 2 cores, one run needs about 1.5 GB of 24 GB available")]
    [InlineData(null, 1_500_000_000L, 24_000_000_000L, 64, 14, "jobs 14: 64 cores, one run needs about 1.5 GB of 24 GB available, so 14 at a time")]
    [InlineData(null, 30_000_000_000L, 24_000_000_000L, 8, 1, ", so 1 at a time")]
    [InlineData(4, 10_000_000_000L, 24_000_000_000L, 8, 4, "WARNING: 4 at a time may not fit, 2 would")]
    public void TheDefaultJobsAreTheCoresCappedByMemory(int? given, long need, long available, int cores, int jobs, string line)
    {
        var (n, text) = HmmEcs.Cli.Commands.SweepCommand.Jobs(given, need, available, cores);
        Assert.Equal(jobs, n);
        Assert.Contains(line, text);
    }

    [Fact]
    public void ARunThatCannotFitIsRefusedBeforeAnythingIsBuilt()
    {
        // 10^9 RAM frames (the most a file may ask for): about 34 GB by the estimate.
        var file = Write("big.json", """{ "ram": { "pages": 1000000000 }, "steps": [ { "op": "stats" } ] }""");
        var need = MemoryEstimate.Bytes(ScenarioLoader.LoadFile(file), "ecs");
        if (need <= AvailableMemory.Bytes())
        {
            return; // a machine this large would run it; the refusal is for the ones that cannot
        }
        Assert.Equal(2, Hmmecs("run", file));
        Assert.Contains("the run needs about 34", Err.ToString());
        Assert.Contains("nothing ran", Err.ToString());
        Assert.Equal(2, Hmmecs("sweep", file, "--set", "seed=1,2", "--out", At("out")));
        Assert.Contains("one run needs about 34", Err.ToString());
        Assert.False(Directory.Exists(At("out")));
    }
}
