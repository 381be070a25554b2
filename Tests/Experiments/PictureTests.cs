using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

public sealed class PictureTests : ExperimentFiles
{
    [Fact]
    public void PlotWritesAPngFromCsvAndFromParquet()
    {
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "devices[0].maxBatchPages=2,8", "--set", "seed=1..2", "--out", At("sw"), "--jobs", "1"));
        foreach (var table in new[] { "sweep.csv", "sweep.parquet" })
        {
            var png = At($"plot-{table}.png");
            Assert.Equal(0, Hmmecs("plot", Path.Combine(At("sw"), table), "--x", "seed", "--y", "copy.batches", "--group", "devices[0].maxBatchPages", "--where", "step=4", "--out", png));
            Assert.Equal((900, 540), PngSize(png));
        }
        // A string x column becomes categories.
        Assert.Equal(0, Hmmecs("plot", Path.Combine(At("sw"), "sweep.csv"), "--x", "engine", "--y", "migrated", "--out", At("cat.png")));
        PngSize(At("cat.png"));
    }

    [Fact]
    public void PlotOfRepeatedRunsDrawsMeansWithBarsOnLogAxes()
    {
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "devices[0].maxBatchPages=2,4,8,16", "--repeat", "3", "--out", At("sw"), "--jobs", "1"));
        foreach (var bars in new[] { "minmax", "ci95", "none" })
        {
            var png = At($"bars-{bars}.png");
            Assert.Equal(0, Hmmecs("plot", Path.Combine(At("sw"), "sweep.parquet"), "--x", "devices[0].maxBatchPages", "--y", "wallMs",
                "--where", "step=4", "--bars", bars, "--logx", "--logy", "--out", png));
            Assert.Equal((900, 540), PngSize(png));
            Assert.Contains("(12 rows)", Out.ToString());
        }
    }

    [Fact]
    public void PlotCountsTheRowsItPlotsAndThoseLeftOut()
    {
        Assert.Equal(0, Hmmecs("sweep", ScenarioPath, "--set", "seed=1..2", "--out", At("sw"), "--jobs", "1"));
        var table = CsvTable.Read(Path.Combine(At("sw"), "sweep.csv"));
        var y = table.IndexOf("copy.batches");
        var withY = table.Rows.Count(r => r[y] is not null);
        Assert.InRange(withY, 1, table.Rows.Count - 1);
        Assert.Equal(0, Hmmecs("plot", Path.Combine(At("sw"), "sweep.csv"), "--x", "seed", "--y", "copy.batches", "--out", At("p.png")));
        Assert.Equal($"wrote {At("p.png")} ({withY} rows; {table.Rows.Count - withY} without a value to plot left out)", Out.ToString().TrimEnd());
        // Only rows without the value: nothing to plot, nothing written.
        Assert.Equal(2, Hmmecs("plot", Path.Combine(At("sw"), "sweep.csv"), "--x", "seed", "--y", "copy.batches", "--where", "op=touch", "--out", At("q.png")));
        Assert.Contains("--y copy.batches: no row has a value to plot", Err.ToString());
        Assert.False(File.Exists(At("q.png")));
    }

    [Fact]
    public void PlotOfAMissingColumnExitsTwoNamingIt()
    {
        var t = new ResultTable([new("x", ColumnKind.Int64), new("y", ColumnKind.Double)]);
        t.Add([1L, 2.0]);
        CsvTable.Write(t, At("t.csv"));
        Assert.Equal(2, Hmmecs("plot", At("t.csv"), "--x", "x", "--y", "nope", "--out", At("p.png")));
        Assert.Contains("no column 'nope'", Err.ToString());
        Assert.False(File.Exists(At("p.png")));
    }

    [Theory]
    [InlineData("ecs", true)]
    [InlineData("reference", false)]
    public void ReportHasAnOutcomeAndACopyChartPerMigrateAndPhasesWhereExposed(string engine, bool phases)
    {
        var dir = At("report");
        Assert.Equal(0, Hmmecs("run", ScenarioPath, "--engine", engine, "--report", dir));
        var index = File.ReadAllText(Path.Combine(dir, "index.md"));
        string[] expected = ["migrate-4-outcome.png", "migrate-4-copy.png", "migrate-6-outcome.png", "migrate-6-copy.png"];
        foreach (var png in expected)
        {
            Assert.Contains($"({png})", index);
            PngSize(Path.Combine(dir, png));
        }
        Assert.Contains("requested 128, migrated 112", index);
        Assert.Equal(phases, File.Exists(Path.Combine(dir, "migrate-phases.png")));
        Assert.Equal(phases, index.Contains("(migrate-phases.png)", StringComparison.Ordinal));
        Assert.Equal(expected.Length + (phases ? 1 : 0), Directory.GetFiles(dir, "*.png").Length);
    }
}
