namespace HmmEcs.Tests.Bench;

/// <summary>The benchmark program never waits for a choice on stdin (issue 11: "bench --list" was interactive).</summary>
public class BenchmarkProgramTests
{
    [Theory]
    [InlineData(new string[0], new[] { "--list", "flat" })]
    [InlineData(new[] { "--list" }, new[] { "--list", "flat" })]
    [InlineData(new[] { "--list", "--join" }, new[] { "--list", "flat", "--join" })]
    [InlineData(new[] { "--list", "tree" }, new[] { "--list", "tree" })]
    [InlineData(new[] { "--filter", "*Migrate*" }, new[] { "--filter", "*Migrate*" })]
    [InlineData(new[] { "--job", "short" }, new[] { "--job", "short", "--list", "flat" })]
    public void WithoutAFilterTheBenchmarksAreListed(string[] args, string[] effective) =>
        Assert.Equal(effective, HmmEcs.Benchmarks.Program.Effective(args));
}
