using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace HmmEcs.Benchmarks;

/// <summary>
/// The suite's short jobs: a few warm-ups, 5 measured iterations, one launch, with the memory
/// diagnoser and min/median columns. In-process, because BenchmarkDotNet cannot rebuild the Bench
/// project out of process: its assembly name (hmmecs) differs from the project file's name.
/// </summary>
public abstract class ShortRunConfig : ManualConfig
{
    /// <summary>A job named <paramref name="id"/>; <paramref name="singleShot"/>: one invocation per iteration (for state that a run consumes).</summary>
    protected ShortRunConfig(string id, int warmups, bool singleShot)
    {
        var job = Job.Default.WithWarmupCount(warmups).WithIterationCount(5).WithLaunchCount(1)
            .WithToolchain(InProcessEmitToolchain.Instance).WithId(id);
        if (singleShot)
        {
            job = job.WithInvocationCount(1).WithUnrollFactor(1);
        }
        AddJob(job);
        AddDiagnoser(MemoryDiagnoser.Default);
        // On a shared machine the minimum is the steadiest figure; the mean absorbs other tenants' bursts.
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}
