using HmmEcs.Tests.Experiments;

namespace HmmEcs.Tests.Cli;

/// <summary>Command-line mistakes read in the tool's words: a flag given twice, a count that is not one. Exit 2, one line, nothing run.</summary>
public sealed class UsageMessageTests : ExperimentFiles
{
    [Theory]
    [InlineData("run", "--check")]
    [InlineData("sweep", "--strict")]
    [InlineData("sweep", "--resume")]
    [InlineData("sweep", "--force")]
    [InlineData("merge", "--force")]
    [InlineData("plot", "--logx")]
    [InlineData("plot", "--logy")]
    public void AFlagGivenTwiceIsExitTwo(string verb, string flag)
    {
        string[] rest = verb switch
        {
            "run" => [ScenarioPath, "--json", At("r.json")],
            "sweep" => [ScenarioPath, "--set", "seed=1", "--out", At("o")],
            "merge" => [At("a"), "--out", At("m")],
            _ => [At("t.csv"), "--x", "a", "--y", "b", "--out", At("p.png")],
        };
        Assert.Equal(2, Hmmecs([verb, .. rest, flag, flag]));
        Assert.Equal($"hmmecs {verb}: Option '{flag}' may be given once but was given 2 times. (see hmmecs {verb} --help)", Err.ToString().TrimEnd());
        Assert.Equal("", Out.ToString());
        Assert.False(File.Exists(At("r.json")) || Directory.Exists(At("o")), "nothing ran");
    }

    [Theory]
    [InlineData("--jobs", "abc", "--jobs: 'abc' is not a whole number")]
    [InlineData("--repeat", "1.5", "--repeat: '1.5' is not a whole number")]
    [InlineData("--warmup", "x", "--warmup: 'x' is not a whole number")]
    [InlineData("--jobs", "99999999999999999999", "--jobs: 99999999999999999999 is out of range (at most 2147483647)")]
    [InlineData("--jobs", "0", "--jobs: expected an integer of at least 1, got 0")]
    [InlineData("--jobs", "99999999999", "--jobs: expected an integer of at least 1, got 99999999999")]
    [InlineData("--repeat", "1001", "--repeat: expected an integer from 1 to 1000, got 1001")]
    [InlineData("--warmup", "-1", "--warmup: expected an integer from 0 to 1000, got -1")]
    public void ACountThatIsNotOneSaysSoInPlainWords(string option, string value, string message)
    {
        Assert.Equal(2, Hmmecs("sweep", ScenarioPath, "--set", "seed=1", "--out", At("o"), option, value));
        Assert.Equal($"hmmecs sweep: {message} (see hmmecs sweep --help)", Err.ToString().TrimEnd());
        Assert.False(Directory.Exists(At("o")), "nothing ran");
    }

    [Fact]
    public void ACountInRangeIsTaken()
    {
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1", "--out", At("o"), "--jobs", "1", "--repeat", "2", "--warmup", "0"));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(At("o"), "runs")).Length);
    }
}
