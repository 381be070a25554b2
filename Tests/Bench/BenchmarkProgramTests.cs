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

    [Theory]
    [InlineData("bogus")]
    [InlineData("small-calls", "abc")]
    [InlineData("small-calls", "0")]
    [InlineData("small-calls", "1000", "1")]
    [InlineData("small-calls", "99999999999")]
    [InlineData("small-calls", "512", "0")]
    [InlineData("small-calls", "512", "1", "-1")]
    [InlineData("small-calls", "512", "1", "1", "extra")]
    [InlineData("phases", "0")]
    [InlineData("phases", "65536", "1", "1", "extra")]
    public void AProbeCalledWronglyExitsWith2BeforeBuildingAnything(params string[] args) =>
        Assert.Equal(2, HmmEcs.Benchmarks.Program.Main(args));

    [Fact]
    public void ProbeArgumentsTakeWholeNumbersInRangeAndSayWhichIsWrong()
    {
        var a = new HmmEcs.Benchmarks.Migrate.ProbeArguments("p", "[x] [y]", ["7", "-2"]);
        Assert.Equal(7, a.Get(0, "x", 1, 1, 10));
        Assert.Null(a.Problem);
        Assert.Equal(5, a.Get(1, "y", 5, 0, 10));
        Assert.Equal("y must be a whole number from 0 to 10, not '-2'", a.Problem);
        var missing = new HmmEcs.Benchmarks.Migrate.ProbeArguments("p", "[x] [y]", []);
        Assert.Equal(3, missing.Get(0, "x", 3, 1, 10));
        Assert.Null(missing.Problem);
        Assert.Equal("one argument too many: 'c'", new HmmEcs.Benchmarks.Migrate.ProbeArguments("p", "[x] [y]", ["1", "2", "c"]).Problem);
    }
}
