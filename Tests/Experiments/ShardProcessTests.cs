using System.Diagnostics;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

/// <summary>
/// docs/distributed.md's pattern on one machine: N shard processes of one sweep side by side, then the merge, which
/// equals the whole sweep's table (issue 11).
/// </summary>
public sealed class ShardProcessTests : ExperimentFiles
{
    [Fact]
    public async Task ShardProcessesSideBySideMergeToTheWholeSweep()
    {
        const int N = 3;
        string[] sweep = ["sweep", ScenarioPath, "--set", "seed=1..7", "--set", "devices[0].copyEngines=1,2", "--jobs", "1"];
        var shards = new List<Process>();
        for (var i = 0; i < N; i++)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hmmecs.dll"));
            foreach (var a in (string[])[.. sweep, "--shard", $"{i}/{N}", "--out", At($"shard-{i}")])
            {
                start.ArgumentList.Add(a);
            }
            shards.Add(Process.Start(start)!);
        }
        foreach (var p in shards)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            await p.StandardOutput.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await p.WaitForExitAsync(limit.Token);
            Assert.True(p.ExitCode == 0, $"a shard exited {p.ExitCode}: {await stderr}");
            p.Dispose();
        }
        Assert.Equal(0, Hmmecs("merge", At("shard-0"), At("shard-1"), At("shard-2"), "--out", At("merged")));
        Assert.Contains("14 of 14 runs", Out.ToString());
        Assert.Equal(0, Hmmecs([.. sweep, "--out", At("whole")]));
        Assert.Equal(Strip(ParquetTable.Read(Path.Combine(At("whole"), "sweep.parquet"))), Strip(ParquetTable.Read(Path.Combine(At("merged"), "sweep.parquet"))));
        Assert.Equal(14, Directory.GetFiles(Path.Combine(At("merged"), "runs")).Length);
    }
}
