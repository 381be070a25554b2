using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace HmmEcs.Bench.Benchmarks.Copy;

/// <summary>
/// The copy suite's short job: 1 warm-up, 5 measured iterations, one launch, in-process (the Bench
/// assembly is named hmmecs, so BenchmarkDotNet cannot rebuild it out of process).
/// </summary>
public sealed class CopyBenchConfig : ManualConfig
{
    /// <summary>The short job with the memory diagnoser.</summary>
    public CopyBenchConfig()
    {
        AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(5).WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance).WithId("copy"));
        AddDiagnoser(MemoryDiagnoser.Default);
        // On a shared machine the minimum is the steadiest figure; the mean absorbs other tenants' bursts.
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}

/// <summary>As <see cref="CopyBenchConfig"/> with one invocation per iteration, for the 1 GiB copies that need a fresh destination each time.</summary>
public sealed class CopySingleShotConfig : ManualConfig
{
    /// <summary>The single-invocation job with the memory diagnoser.</summary>
    public CopySingleShotConfig()
    {
        AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(5).WithLaunchCount(1).WithInvocationCount(1).WithUnrollFactor(1).WithToolchain(InProcessEmitToolchain.Instance).WithId("copy-single"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}
