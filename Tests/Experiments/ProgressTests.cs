using HmmEcs.Cli.Experiments.Progress;

namespace HmmEcs.Tests.Experiments;

public sealed class ProgressTests : ExperimentFiles
{
    [Fact]
    public void ProgressIsOffForCapturedOutputAndForJsonOnStdout()
    {
        Assert.False(LiveProgress.IsInteractive(new StringWriter(), jsonOnStdout: false));
        Assert.False(LiveProgress.IsInteractive(Console.Out, jsonOnStdout: true));
    }

    [Fact]
    public void PlainModePassesLinesThroughInOrderWithoutEscapes()
    {
        var w = new StringWriter();
        var n = LiveProgress.Run(false, "job", 3, w, sink =>
        {
            for (var i = 0; i < 3; i++)
            {
                sink.Line($"line {i}");
                sink.Tick();
            }
            return 3;
        });
        Assert.Equal(3, n);
        Assert.Equal("line 0\nline 1\nline 2\n", w.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void RunsAndSweepsPrintPlainTextWhenRedirected()
    {
        Assert.Equal(0, Hmmecs("run", ScenarioPath));
        Assert.DoesNotContain('\u001b', Out.ToString());
        Assert.Equal(10, Out.ToString().TrimEnd().Split('\n').Length); // header, machine setup, 7 steps, verdict
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..3", "--out", At("sw"), "--jobs", "2"));
        Assert.DoesNotContain('\u001b', Out.ToString());
        Assert.Equal(6, Out.ToString().TrimEnd().Split('\n').Length); // the jobs chosen, header, 3 runs, verdict
    }

    [Fact]
    public void AFailingJobSurfacesItsOwnExceptionInBothModes()
    {
        foreach (var interactive in new[] { false, true })
        {
            var e = Assert.Throws<InvalidOperationException>(() =>
                LiveProgress.Run<int>(interactive, "job", 1, new StringWriter(), _ => throw new InvalidOperationException("boom")));
            Assert.Equal("boom", e.Message);
        }
    }

    [Fact]
    public void HelpListsTheExperimentCommands()
    {
        Assert.Equal(0, Hmmecs("help"));
        foreach (var verb in new[] { "hmmecs sweep FILE", "hmmecs merge DIR1", "hmmecs plot TABLE", "--report DIR", "--trace F" })
        {
            Assert.Contains(verb, Out.ToString());
        }
    }
}
