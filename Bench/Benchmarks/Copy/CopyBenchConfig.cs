namespace HmmEcs.Benchmarks.Copy;

/// <summary>The copy suite's short job: 1 warm-up, 5 measured iterations.</summary>
public sealed class CopyBenchConfig() : ShortRunConfig("copy", warmups: 1, singleShot: false);

/// <summary>As <see cref="CopyBenchConfig"/> with one invocation per iteration, for the 1 GiB copies that need a fresh destination each time.</summary>
public sealed class CopySingleShotConfig() : ShortRunConfig("copy-single", warmups: 1, singleShot: true);
