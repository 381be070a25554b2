using System.Diagnostics;
using HmmEcs.Tests.Experiments;

namespace HmmEcs.Tests.Cli;

/// <summary>
/// Issue 12's hostile input at the command line: special and huge files, standard input, repeated options, ranges
/// at the ends of long, damaged merge input and planted symbolic links. Each ends within seconds with its documented
/// exit code and a one-line message, never a stack trace. (The file-level cases are Tests/scenarios/invalid/hostile.)
/// </summary>
public sealed class HostileInputTests : ExperimentFiles
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private async Task<int> Bounded(params string[] args) => await Task.Run(() => Hmmecs(args)).WaitAsync(Bound);

    private void OneCleanLine()
    {
        var err = Err.ToString().TrimEnd();
        Assert.DoesNotContain('\n', err);
        Assert.StartsWith("hmmecs", err, StringComparison.Ordinal);
        Assert.DoesNotContain(" at HmmEcs", err);
    }

    [Fact]
    public async Task AFifoWithoutAWriterIsRefusedWithoutBlocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var fifo = await MakeFifo("fifo.json");
        Assert.Equal(2, await Bounded("run", fifo));
        Assert.Contains("not a regular file", Err.ToString());
        OneCleanLine();
        Assert.Equal(2, await Bounded("sweep", fifo, "--set", "seed=1", "--out", At("o")));
        Assert.Contains("not a regular file", Err.ToString());
    }

    [Theory]
    [InlineData("/dev/zero", "not a regular file")]
    [InlineData("/dev/urandom", "not a regular file")]
    [InlineData("/", "is a directory")]
    [InlineData("/no/such/file.json", "no such file")]
    public async Task SpecialPathsAreRefused(string path, string why)
    {
        if (!File.Exists(path) && !Directory.Exists(path) && path.StartsWith("/dev", StringComparison.Ordinal))
        {
            return;
        }
        Assert.Equal(2, await Bounded("run", path));
        Assert.Contains(why, Err.ToString());
        OneCleanLine();
    }

    [Fact]
    public async Task AFileLargerThanTheCapIsRefusedUnread()
    {
        // A valid scenario with a 17 MiB string: refused by size before it is parsed or run.
        var file = At("huge.json");
        File.WriteAllText(file, "{ \"name\": \"" + new string('x', 17 << 20) + "\", \"steps\": [] }");
        Assert.Equal(2, await Bounded("run", file));
        Assert.Contains("a scenario file holds at most 16777216", Err.ToString());
        OneCleanLine();
    }

    [Fact]
    public async Task StandardInputIsReadWithDash()
    {
        using var p = StartHmmecs("run", "-");
        await p.StandardInput.WriteAsync(Small);
        p.StandardInput.Close();
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("OK: small on ecs", output);
    }

    [Fact]
    public async Task LoneSurrogatesInKeysAndSetValuesAreExitTwo()
    {
        var file = At("key.json");
        File.WriteAllText(file, "{ \"\\ud800\": 1, \"steps\": [] }");
        Assert.Equal(2, await Bounded("run", file));
        Assert.Contains("lone UTF-16 surrogate", Err.ToString());
        OneCleanLine();
        Assert.Equal(2, await Bounded("sweep", file, "--set", "seed=1", "--out", At("o1")));
        OneCleanLine();
        Assert.Equal(2, await Bounded("sweep", ScenarioPath, "--set", "name=\"\\ud800\"", "--out", At("o2")));
        Assert.Contains("lone UTF-16 surrogate", Err.ToString());
        OneCleanLine();
    }

    [Fact]
    public async Task AnOptionGivenTwiceIsAUsageError()
    {
        Assert.Equal(2, await Bounded("run", ScenarioPath, "--json", At("a.json"), "--json", At("b.json")));
        OneCleanLine();
        Assert.False(File.Exists(At("a.json")) || File.Exists(At("b.json")), "nothing ran");
    }

    [Theory]
    [InlineData("seed=9223372036854775800..9223372036854775807", "seed")]
    [InlineData("seed=-9223372036854775808..9223372036854775807", "bad range")]
    [InlineData("devices[0].pages=1,1099511627776", "devices[0].pages")]
    public async Task SweepValuesAtTheEndsOfLongEndQuickly(string set, string named)
    {
        Assert.Equal(2, await Bounded("sweep", ScenarioPath, "--set", set, "--out", At("o")));
        Assert.Contains(named, Err.ToString());
        OneCleanLine();
    }

    [Theory]
    [InlineData("""{ "plan": "x", "runs": 2000000000, "runIds": [0], "shard": "0/1", "complete": true }""")]
    [InlineData("""{ "plan": "x", "runs": 4, "runIds": ["a"], "shard": "0/1", "complete": true }""")]
    [InlineData("""{ "plan": "x", "runs": 4, "runIds": [9], "shard": "0/1", "complete": true }""")]
    [InlineData("""{ "plan": "x", "ru""")]
    public async Task ADamagedManifestIsExitTwo(string manifest)
    {
        Assert.Equal(0, await Bounded("sweep", ScenarioPath, "--set", "seed=1..2", "--out", At("s")));
        File.WriteAllText(Path.Combine(At("s"), "sweep.json"), manifest);
        Assert.Equal(2, await Bounded("merge", At("s"), "--out", At("m")));
        Assert.Contains("no readable sweep manifest", Err.ToString());
        OneCleanLine();
    }

    [Fact]
    public async Task MergeRefusesAnotherEnginesShard()
    {
        Assert.Equal(0, await Bounded("sweep", ScenarioPath, "--set", "seed=1..2", "--shard", "0/2", "--out", At("s0")));
        Assert.Equal(0, await Bounded("sweep", ScenarioPath, "--set", "seed=1..2", "--shard", "1/2", "--out", At("s1"), "--engine", "reference"));
        Assert.Equal(2, await Bounded("merge", At("s0"), At("s1"), "--out", At("m")));
        Assert.Contains("a different sweep", Err.ToString());
    }

    public static TheoryData<string> HostileFiles() =>
        new(Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "scenarios", "invalid", "hostile"), "*.json").Select(f => Path.GetFileName(f)!).Order());

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public async Task EachHostileFileIsRefusedQuicklyUnderAMemoryCap(string name)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        // A 3 GB address-space cap: nothing the file asks for may be allocated before it is refused.
        var file = Path.Combine(AppContext.BaseDirectory, "scenarios", "invalid", "hostile", name);
        var (exit, stdout, stderr) = await RunCapped(3_000_000, "run", file);
        Assert.True(exit == 2, $"exit {exit}: {stderr}");
        Assert.Equal("", stdout);
        var line = stderr.TrimEnd();
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith("hmmecs run: ", line, StringComparison.Ordinal);
        var expected = File.ReadLines(file).First()["// expect:".Length..].Trim();
        Assert.Contains($": {expected}", line);
    }

    /// <summary>Runs the tool in its own process under <c>ulimit -v</c> (KiB), within a minute.</summary>
    private static async Task<(int Exit, string Stdout, string Stderr)> RunCapped(long kib, params string[] args)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var tool = Path.Combine(AppContext.BaseDirectory, "hmmecs.dll");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"ulimit -v {kib} && exec \"$0\" \"$@\"");
        foreach (var a in (string[])[host, tool, .. args])
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (p.ExitCode, stdout, await stderr);
    }

    [Fact]
    public async Task UnderAnAddressSpaceLimitALargeRunIsRefusedNotKilled()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        // The 10M-page scenario needs about 1.3 GB; under `ulimit -v` of 2 GB it died with OutOfMemoryException (exit 1).
        var scenario = Path.Combine(AppContext.BaseDirectory, "scenarios", "scale", "migrate-10m-pinned.json");
        var (exit, _, err) = await RunCapped(2_000_000, "run", scenario);
        Assert.True(exit == 2, $"exit {exit}: {err}");
        Assert.Contains("are available; nothing ran", err);
    }

    [Fact]
    public async Task PlantedSymbolicLinksAreNotWrittenThrough()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var elsewhere = Directory.CreateDirectory(At("elsewhere")).FullName;
        var victim = Path.Combine(elsewhere, "victim.txt");
        File.WriteAllText(victim, "keep me");
        // A runs folder that is a link: refused.
        Directory.CreateDirectory(At("o1"));
        Directory.CreateSymbolicLink(Path.Combine(At("o1"), "runs"), elsewhere);
        Assert.Equal(2, await Bounded("sweep", ScenarioPath, "--set", "seed=1", "--out", At("o1"), "--force"));
        Assert.Contains("symbolic link", Err.ToString());
        Assert.Equal(["victim.txt"], Directory.GetFiles(elsewhere).Select(f => Path.GetFileName(f)!));
        // A link planted under an output's temporary name: replaced, the file it points to untouched.
        var json = At("out.json");
        File.CreateSymbolicLink(json + ".partial", victim);
        Assert.Equal(0, await Bounded("run", ScenarioPath, "--json", json));
        Assert.Equal("keep me", File.ReadAllText(victim));
        Assert.StartsWith("{", File.ReadAllText(json), StringComparison.Ordinal);
    }
}
