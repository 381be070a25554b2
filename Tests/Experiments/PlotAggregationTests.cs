using HmmEcs.Cli.Experiments.Plots;
using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;
using ScottPlot;

namespace HmmEcs.Tests.Experiments;

public sealed class PlotAggregationTests : ExperimentFiles
{
    /// <summary>Three rows at each of x = 1, 2, 3 (y = x·10 + 0, 1, 5), in shuffled order.</summary>
    private static List<(double X, double Y)> ThreePerX() =>
        [(2, 21), (1, 10), (3, 35), (1, 15), (2, 20), (3, 30), (1, 11), (3, 31), (2, 25)];

    [Fact]
    public void RowsAtEqualXAreOnePointAtTheirMeanWithMinMaxBars()
    {
        var points = PointSummary.Aggregate(ThreePerX(), ErrorBars.MinMax);
        Assert.Equal([1.0, 2.0, 3.0], points.Select(p => p.X));
        Assert.All(points, p => Assert.Equal(3, p.Count));
        Assert.Equal(12, points[0].Mean, 12);
        Assert.Equal((10.0, 15.0), (points[0].Low, points[0].High));
        Assert.Equal(22, points[1].Mean, 12);
        Assert.Equal((20.0, 25.0), (points[1].Low, points[1].High));
        Assert.Equal(32, points[2].Mean, 12);
        Assert.Equal((30.0, 35.0), (points[2].Low, points[2].High));
    }

    [Fact]
    public void Ci95BarsAreTheMeanPlusMinusTTimesTheStandardError()
    {
        // 10, 11, 15: mean 12, sample sd sqrt(7), t(0.975, 2) = 4.303.
        var p = PointSummary.Aggregate(ThreePerX(), ErrorBars.Ci95)[0];
        var half = 4.303 * Math.Sqrt(7.0 / 3);
        Assert.Equal(12, p.Mean, 12);
        Assert.Equal(12 - half, p.Low, 9);
        Assert.Equal(12 + half, p.High, 9);
        Assert.Equal((10.0, 15.0), (p.Min, p.Max));
        // One value has no interval; "none" has no bar.
        var single = PointSummary.Of(4, [7.0], ErrorBars.Ci95);
        Assert.Equal((7.0, 7.0, 7.0), (single.Mean, single.Low, single.High));
        var none = PointSummary.Of(4, [1.0, 3.0], ErrorBars.None);
        Assert.Equal((2.0, 2.0, 2.0), (none.Mean, none.Low, none.High));
    }

    [Theory]
    [InlineData(1, 12.706)]
    [InlineData(9, 2.262)]
    [InlineData(30, 2.042)]
    [InlineData(40, 2.021)]
    [InlineData(120, 1.980)]
    public void TheTQuantileMatchesTheTables(int df, double t) => Assert.Equal(t, StudentT.Quantile975(df), 2);

    [Fact]
    public void APlotOfRepeatedRowsHasOnePointPerXAndItsBars()
    {
        var table = Table(ColumnKind.Int64, ThreePerX());
        var plot = TablePlot.Build(table, "x", "y", null, null, options: new PlotOptions(ErrorBars.MinMax));
        var scatter = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>());
        Assert.Equal([1.0, 2.0, 3.0], scatter.Data.GetScatterPoints().Select(c => c.X));
        Assert.Equal([12.0, 22.0, 32.0], scatter.Data.GetScatterPoints().Select(c => Math.Round(c.Y, 9)));
        // Each bar from the smallest to the largest value: 10-15 around 12, 20-25 around 22, 30-35 around 32.
        var bars = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.ErrorBar>());
        Assert.Equal([2.0, 2.0, 2.0], bars.YErrorNegative!.Select(e => Math.Round(e, 9)));
        Assert.Equal([3.0, 3.0, 3.0], bars.YErrorPositive!.Select(e => Math.Round(e, 9)));
        Assert.Empty(TablePlot.Build(table, "x", "y", null, null, options: new PlotOptions(ErrorBars.None)).GetPlottables().OfType<ScottPlot.Plottables.ErrorBar>());
    }

    [Fact]
    public void IntegerColumnsGetWholeNumberTicks()
    {
        Assert.True(AxisTicks.IntegerTicks(ColumnKind.Int64, log: false));
        Assert.False(AxisTicks.IntegerTicks(ColumnKind.Double, log: false));
        Assert.False(AxisTicks.IntegerTicks(ColumnKind.Int64, log: true));
        foreach (var (kind, whole) in new[] { (ColumnKind.Int64, true), (ColumnKind.Double, false) })
        {
            // x from 1 to 3 on a wide picture: the automatic ticks fall on halves too.
            var plot = TablePlot.Build(Table(kind, ThreePerX()), "x", "y", null, null);
            plot.GetImage(TablePlot.Width, TablePlot.Height);
            var ticks = plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position).ToList();
            Assert.NotEmpty(ticks);
            Assert.Equal(whole, ticks.All(t => t == Math.Round(t)));
        }
    }

    [Fact]
    public void ALogAxisShowsPowersOfTenOfTheDataDrawnAsLogs()
    {
        var plot = TablePlot.Build(Table(ColumnKind.Int64, [(1, 1), (10, 100), (100, 10000)]), "x", "y", null, null, options: new PlotOptions(LogX: true, LogY: true));
        var scatter = Assert.Single(plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>());
        Assert.Equal([0.0, 1.0, 2.0], scatter.Data.GetScatterPoints().Select(c => Math.Round(c.X, 12)));
        Assert.Equal([0.0, 2.0, 4.0], scatter.Data.GetScatterPoints().Select(c => Math.Round(c.Y, 12)));
        plot.GetImage(TablePlot.Width, TablePlot.Height);
        // Powers of ten over several decades; 1-2-5 steps, then every multiple, over narrower ranges.
        Assert.Equal(["1", "10", "100", "1,000", "10,000"], plot.Axes.Left.TickGenerator.Ticks.Select(t => t.Label));
        Assert.Equal(["0.2", "0.5", "1", "2", "5"], AxisTicks.LogTicks(Math.Log10(0.15), Math.Log10(5.6)).Select(AxisTicks.LogLabel));
        Assert.Equal(["200", "300", "400"], AxisTicks.LogTicks(Math.Log10(150), Math.Log10(450)).Select(AxisTicks.LogLabel));
        Assert.Equal("10,000", AxisTicks.LogLabel(4));
        Assert.Equal("0.01", AxisTicks.LogLabel(-2));
        Assert.Equal("1e7", AxisTicks.LogLabel(7));
    }

    [Theory]
    [InlineData("--logx", "x", 0.0, 5.0)]
    [InlineData("--logy", "y", 3.0, -1.0)]
    public void ALogAxisRefusesNonPositiveValuesNamingTheColumn(string option, string column, double x, double y)
    {
        var t = Table(ColumnKind.Double, [(1, 2), (x, y)]);
        CsvTable.Write(t, At("t.csv"));
        Assert.Equal(2, Hmmecs("plot", At("t.csv"), "--x", "x", "--y", "y", option, "--out", At("p.png")));
        Assert.Contains($"{option}: column '{column}'", Err.ToString());
        Assert.False(File.Exists(At("p.png")));
        // Without the log axis the same table plots.
        Assert.Equal(0, Hmmecs("plot", At("t.csv"), "--x", "x", "--y", "y", "--out", At("p.png")));
    }

    [Fact]
    public void RowsWithoutAYAreSkippedBeforeTheLogCheck()
    {
        var t = new ResultTable([new("x", ColumnKind.Int64), new("y", ColumnKind.Double)]);
        t.Add([0L, null]);
        t.Add([1L, 2.0]);
        t.Add([2L, 4.0]);
        CsvTable.Write(t, At("t.csv"));
        Assert.Equal(0, Hmmecs("plot", At("t.csv"), "--x", "x", "--y", "y", "--logx", "--logy", "--out", At("p.png")));
    }

    [Fact]
    public void AnUnknownBarsValueIsExitTwo()
    {
        CsvTable.Write(Table(ColumnKind.Int64, ThreePerX()), At("t.csv"));
        Assert.Equal(2, Hmmecs("plot", At("t.csv"), "--x", "x", "--y", "y", "--bars", "sd", "--out", At("p.png")));
        Assert.Contains("hmmecs plot: --bars: Argument 'sd' not recognized. Must be one of: 'minmax' 'ci95' 'none'", Err.ToString());
    }

    [Fact]
    public void AParameterColumnIsTitledByItsNameEvenWhenAFieldSharesIt()
    {
        // A sweep table: identity columns, the parameters, then setupMs and the rest.
        TableColumn[] head = [new("run", ColumnKind.Int64), new("repetition", ColumnKind.Int64), new("scenario", ColumnKind.String), new("engine", ColumnKind.String), new("seed", ColumnKind.Int64)];
        TableColumn[] tail = [new("setupMs", ColumnKind.Double), new("step", ColumnKind.Int64), new("requested", ColumnKind.Int64)];
        var asParameter = StepRows.ForTable(new ResultTable([.. head, new("requested", ColumnKind.Int64), new("devices[0].maxBatchPages", ColumnKind.Int64), .. tail[..2]]));
        Assert.Equal("requested", asParameter.AxisTitle("requested"));
        Assert.Equal("devices[0].maxBatchPages", asParameter.AxisTitle("devices[0].maxBatchPages"));
        var asField = StepRows.ForTable(new ResultTable([.. head, .. tail]));
        Assert.Equal("requested (pages)", asField.AxisTitle("requested"));
        Assert.Equal("device time of the copy (µs)", asField.AxisTitle("copy.deviceTimeUs"));
    }

    [Fact]
    public void EveryTextIsSetInTheBundledFont()
    {
        // The bundled DejaVu Sans (or HMMECS_FONT's file) is registered under one family name; a system font would be another.
        const string expected = "hmmecs-font";
        Assert.Null(PlotFonts.Warning);
        Assert.Equal(expected, PlotFonts.Family);
        var plot = TablePlot.Build(Table(ColumnKind.Int64, ThreePerX()), "x", "y", "x", null);
        Assert.Equal(expected, plot.Axes.Title.Label.FontName);
        Assert.Equal(expected, plot.Axes.Bottom.Label.FontName);
        Assert.Equal(expected, plot.Axes.Left.TickLabelStyle.FontName);
        Assert.Equal(expected, plot.Legend.FontName);
    }

    private static ResultTable Table(ColumnKind kind, IEnumerable<(double X, double Y)> points)
    {
        var t = new ResultTable([new("x", kind), new("y", ColumnKind.Double)]);
        foreach (var (x, y) in points)
        {
            t.Add([kind == ColumnKind.Int64 ? (object)(long)x : x, y]);
        }
        return t;
    }
}
