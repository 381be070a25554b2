using System.Diagnostics;
using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

/// <summary>
/// A real <c>hmmecs sweep</c> process stopped mid-sweep (SIGINT, SIGKILL), then resumed: the resumed sweep's tables
/// equal an uninterrupted sweep's, timing columns aside (issue 11).
/// </summary>
public sealed class SweepInterruptTests : ExperimentFiles
{
    // About 20-40 ms a run (a machine of 1M RAM frames, 65,536 pages there and back): a 40-run sweep is long enough to stop.
    private const string Slow = """
        { "name": "slow", "seed": 1,
          "devices": [ { "name": "gpu0", "pages": 65536 } ],
          "steps": [
            { "op": "process", "name": "p" },
            { "op": "mmap", "proc": "p", "vma": "buf", "pages": 65536, "kind": "anon" },
            { "op": "touch", "proc": "p", "vma": "buf", "access": "write", "salt": 3 },
            { "op": "pin", "proc": "p", "vma": "buf", "every": 64 },
            { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0" },
            { "op": "migrate", "proc": "p", "vma": "buf", "to": "ram" },
            { "op": "verify", "proc": "p", "vma": "buf", "pattern": "seq", "salt": 3 }
          ]
        }
        """;

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    [InlineData("KILL")]
    public void AStoppedSweepResumesToTheUninterruptedTables(string signal)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // POSIX signals: the CI machine is Linux.
        }
        var scenario = Write("slow.json", Slow);
        var outDir = At("out");
        string[] sweep = ["sweep", scenario, "--set", "seed=1..40", "--out", outDir];
        var exit = StopAfterThreeRuns([.. sweep, "--jobs", "1"], outDir, signal);
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")))!;
        Assert.False(manifest["complete"]!.GetValue<bool>());
        var runs = Directory.GetFiles(Path.Combine(outDir, "runs"), "run-*.json");
        Assert.InRange(runs.Length, 3, 39);
        if (signal is "INT" or "TERM")
        {
            Assert.Equal(130, exit);
            // The tables of the runs finished so far are written, and agree with the manifest.
            var partial = CsvTable.Read(Path.Combine(outDir, "sweep.csv"));
            Assert.Equal(runs.Length * 5, partial.Rows.Count); // touch, pin, two migrates, verify
            Assert.Equal(runs.Length, manifest["done"]!.GetValue<int>());
        }
        else
        {
            Assert.Equal(137, exit);
        }

        Assert.Equal(0, Hmmecs([.. sweep, "--jobs", "2", "--resume"]));
        Assert.Contains($"{runs.Length} done before, resuming", Out.ToString());
        Assert.Equal(0, Hmmecs(["sweep", scenario, "--set", "seed=1..40", "--out", At("whole"), "--jobs", "2"]));
        Assert.Equal(Strip(CsvTable.Read(Path.Combine(At("whole"), "sweep.csv"))), Strip(CsvTable.Read(Path.Combine(outDir, "sweep.csv"))));
        Assert.Equal(Strip(ParquetTable.Read(Path.Combine(At("whole"), "sweep.parquet"))), Strip(ParquetTable.Read(Path.Combine(outDir, "sweep.parquet"))));
        Assert.True(JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "sweep.json")))!["complete"]!.GetValue<bool>());
    }

    /// <summary>Starts the tool as its own process, sends <paramref name="signal"/> once three run documents exist, gives its exit code.</summary>
    private static int StopAfterThreeRuns(string[] args, string outDir, string signal)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hmmecs.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var runs = Path.Combine(outDir, "runs");
        var clock = Stopwatch.StartNew();
        while (!(Directory.Exists(runs) && Directory.GetFiles(runs, "run-*.json").Length >= 3))
        {
            Assert.False(p.HasExited, $"the sweep ended (exit {(p.HasExited ? p.ExitCode : 0)}) before it could be stopped");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), "no run finished within a minute");
            Thread.Sleep(5);
        }
        if (signal == "KILL")
        {
            p.Kill();
        }
        else
        {
            using var kill = Process.Start("kill", ["-" + signal, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
        }
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)), "the sweep did not stop");
        return p.ExitCode;
    }
}
