namespace HmmEcs.Benchmarks.Engine;

/// <summary>The engine suite's short job: 2 warm-ups, 5 measured iterations.</summary>
public sealed class EngineBenchConfig() : ShortRunConfig("short", warmups: 2, singleShot: false);

/// <summary>As <see cref="EngineBenchConfig"/> but one invocation per iteration, for benchmarks that need a fresh world each time.</summary>
public sealed class EngineSingleShotConfig() : ShortRunConfig("single", warmups: 2, singleShot: true);
