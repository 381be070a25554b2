using System.Diagnostics;
using HmmEcs.Cli.Experiments.Output;
using HmmEcs.Tests.Experiments;

namespace HmmEcs.Tests.Cli;

/// <summary>
/// Files the user names for a run's outputs (<c>--json</c>, <c>--trace</c>) are written as a shell's <c>&gt;</c> writes
/// them, but whole: a link is followed and its file replaced (the link stays), a stream (<c>/dev/null</c>, a FIFO,
/// <c>/dev/stdout</c>) is written into and stays what it is; outputs that would overwrite each other or the scenario are
/// refused before the run.
/// </summary>
public sealed class NamedOutputTests : ExperimentFiles
{
    private static bool Unix => !OperatingSystem.IsWindows();

    [Fact]
    public void ALinkedOutputReplacesTheFileItLeadsToAndStaysALink()
    {
        if (!Unix)
        {
            return;
        }
        var real = Path.Combine(Directory.CreateDirectory(At("results")).FullName, "real.json");
        File.WriteAllText(real, "old");
        var link = At("link.json");
        File.CreateSymbolicLink(link, real);
        Assert.Equal(0, Hmmecs("run", ScenarioPath, "--json", link));
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.StartsWith("{", File.ReadAllText(real), StringComparison.Ordinal);
    }

    [Fact]
    public void ADeviceIsWrittenIntoNotReplaced()
    {
        if (!Unix || !File.Exists("/dev/null"))
        {
            return;
        }
        Assert.True(FileKind.IsStream("/dev/null"));
        Assert.Equal(0, Hmmecs("run", ScenarioPath, "--json", "/dev/null", "--trace", "/dev/null"));
        Assert.True(FileKind.IsStream("/dev/null"));
        Assert.False(File.Exists("/dev/null" + AtomicFile.TemporarySuffix));
    }

    [Fact]
    public void ADeviceThatRefusesTheWriteEndsWithExit2()
    {
        if (!Unix || !File.Exists("/dev/full"))
        {
            return;
        }
        Assert.Equal(2, Hmmecs("run", ScenarioPath, "--json", "/dev/full"));
        var err = Err.ToString().Trim();
        Assert.StartsWith("hmmecs run: cannot write /dev/full: ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("'/dev/full'", err);
        Assert.True(FileKind.IsStream("/dev/full"));
    }

    [Fact]
    public async Task AFifoGetsTheResultAndStaysAFifo()
    {
        if (!Unix)
        {
            return;
        }
        var fifo = await MakeFifo("out.json");
        var reader = Task.Run(() => File.ReadAllText(fifo));
        Assert.Equal(0, await Task.Run(() => Hmmecs("run", ScenarioPath, "--json", fifo)).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.StartsWith("{", await reader.WaitAsync(TimeSpan.FromSeconds(30)), StringComparison.Ordinal);
        Assert.True(FileKind.IsStream(fifo));
    }

    [Theory]
    [InlineData("-")]
    [InlineData("/dev/stdout")]
    public void TheDocumentToStdoutLeavesTheSummaryToStderr(string json)
    {
        Assert.Equal(0, Hmmecs("run", ScenarioPath, "--json", json));
        Assert.StartsWith("{", Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("OK:", Err.ToString());
    }

    [Fact]
    public async Task AFifoIsRefusedAsATableWithoutBlocking()
    {
        if (!Unix)
        {
            return;
        }
        var fifo = await MakeFifo("t.csv");
        Assert.Equal(2, await Task.Run(() => Hmmecs("plot", fifo, "--x", "a", "--y", "b", "--out", At("p.png"))).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("not a regular file", Err.ToString());
    }

    [Fact]
    public void ARegularFileIsNoStream()
    {
        Assert.False(FileKind.IsStream(ScenarioPath));
        Assert.False(FileKind.IsStream(At("missing.json")));
        Assert.False(FileKind.IsStream(Dir));
    }

    [Fact]
    public void OutputsThatWouldOverwriteEachOtherOrTheScenarioAreRefused()
    {
        var scenario = File.ReadAllText(ScenarioPath);
        Assert.Equal(2, Hmmecs("run", ScenarioPath, "--json", At("a.json"), "--trace", At("a.json")));
        Assert.Contains("are one file", Err.ToString());
        Assert.False(File.Exists(At("a.json")));
        Assert.Equal(2, Hmmecs("run", ScenarioPath, "--json", ScenarioPath));
        Assert.Contains("is the scenario file itself", Err.ToString());
        Assert.Equal(2, Hmmecs("run", ScenarioPath, "--trace", Path.Combine(Dir, ".", "small.json")));
        Assert.Contains("is the scenario file itself", Err.ToString());
        if (Unix)
        {
            var link = At("to-scenario.json");
            File.CreateSymbolicLink(link, ScenarioPath);
            Assert.Equal(2, Hmmecs("run", ScenarioPath, "--json", link));
            Assert.Contains("is the scenario file itself", Err.ToString());
        }
        Assert.Equal(scenario, File.ReadAllText(ScenarioPath));
        Assert.Equal(2, Hmmecs("run", ScenarioPath, "--json", "-", "--trace", "/dev/stdout"));
        Assert.Contains("are one file", Err.ToString());
    }

    [Fact]
    public void AnOutputThroughALinkedDirectoryIsStillTheScenario()
    {
        if (!Unix)
        {
            return;
        }
        var linked = At("linked");
        Directory.CreateSymbolicLink(linked, Dir);
        var scenario = File.ReadAllText(ScenarioPath);
        Assert.Equal(2, Hmmecs("run", ScenarioPath, "--json", Path.Combine(linked, "small.json")));
        Assert.Contains("is the scenario file itself", Err.ToString());
        Assert.Equal(scenario, File.ReadAllText(ScenarioPath));
    }

    [Fact]
    public void APlotThatWouldOverwriteItsTableOrNameNothingIsRefused()
    {
        var table = Write("t.csv", "seed,x\n1,2\n");
        Assert.Equal(2, Hmmecs("plot", table, "--x", "seed", "--y", "x", "--out", table));
        Assert.Contains("is the table itself", Err.ToString());
        Assert.Equal("seed,x\n1,2\n", File.ReadAllText(table));
        Assert.Equal(2, Hmmecs("plot", table, "--x", "seed", "--y", "x", "--out", ""));
        Assert.StartsWith("hmmecs plot: ", Err.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--trace")]
    public void AnEmptyOutputPathIsExit2(string option)
    {
        Assert.Equal(2, Hmmecs("run", ScenarioPath, option, ""));
        var err = Err.ToString().Trim();
        Assert.StartsWith("hmmecs run: ", err, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', err);
        Assert.DoesNotContain("internal error", err);
    }

    [Fact]
    public void TheTraceToStdoutLeavesTheSummaryToStderr()
    {
        Assert.Equal(0, Hmmecs("run", ScenarioPath, "--trace", "-"));
        Assert.StartsWith("{\"traceEvents\"", Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("OK:", Err.ToString());
        Assert.False(File.Exists("-"));
    }

    [Fact]
    public async Task ARedirectedStandardStreamKeepsTheLinesWrittenBeforeTheDocument()
    {
        if (!Unix)
        {
            return;
        }
        // Through a shell, as a user redirects: stderr's file gets the summary lines, then the trace after them.
        var (output, errors) = (At("out.txt"), At("err.txt"));
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var command = $"'{dotnet}' '{Path.Combine(AppContext.BaseDirectory, "hmmecs.dll")}' run '{ScenarioPath}' --json /dev/stdout --trace /dev/stderr > '{output}' 2> '{errors}'";
        using var shell = Process.Start(new ProcessStartInfo("bash") { ArgumentList = { "-c", command } })!;
        await shell.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, shell.ExitCode);
        Assert.StartsWith("{", File.ReadAllText(output), StringComparison.Ordinal);
        var err = File.ReadAllText(errors);
        Assert.Contains("scenario small", err);
        Assert.Contains("\"traceEvents\"", err);
        Assert.Contains("OK:", err);
    }
}
