using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace HmmEcs.Bench.Benchmarks.Engine;

/// <summary>
/// Short runs (2 warm-ups, 5 measured iterations, one launch) so the engine suite fits in minutes.
/// In-process: BenchmarkDotNet cannot rebuild the Bench project out of process because its
/// assembly name (hmmecs) differs from the project file's name.
/// </summary>
public sealed class EngineBenchConfig : ManualConfig
{
    /// <summary>The short job with the memory diagnoser.</summary>
    public EngineBenchConfig()
    {
        AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(5).WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance).WithId("short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        // On a shared machine the minimum is the steadiest figure; the mean absorbs other tenants' bursts.
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}

/// <summary>As <see cref="EngineBenchConfig"/> but one invocation per iteration, for benchmarks that need a fresh world each time.</summary>
public sealed class EngineSingleShotConfig : ManualConfig
{
    /// <summary>The single-invocation job with the memory diagnoser.</summary>
    public EngineSingleShotConfig()
    {
        AddJob(Job.Default.WithWarmupCount(2).WithIterationCount(5).WithLaunchCount(1).WithInvocationCount(1).WithUnrollFactor(1).WithToolchain(InProcessEmitToolchain.Instance).WithId("single"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Min, StatisticColumn.Median);
    }
}
