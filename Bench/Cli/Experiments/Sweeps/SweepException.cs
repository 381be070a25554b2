namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>A sweep that cannot start: a bad <c>--set</c>, an override path that does not exist, or a scenario the overrides made invalid (exit 2).</summary>
public sealed class SweepException(string message) : Exception(message);
