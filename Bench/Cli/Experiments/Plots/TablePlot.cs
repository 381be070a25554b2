using HmmEcs.Cli.Experiments.Output;
using System.Globalization;
using HmmEcs.Cli.Experiments.Tables;
using ScottPlot;

namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>
/// A line-and-marker plot of one table column against another, one series per value of a group column. Rows of
/// a series with equal x are one point (<see cref="PointSummary"/>): the mean, with an error bar. A string x
/// column is drawn as categories in order of first appearance.
/// </summary>
public static class TablePlot
{
    /// <summary>Pixel size of every picture.</summary>
    public const int Width = 900, Height = 540;

    /// <summary>
    /// Renders the plot to <paramref name="png"/> and returns how many rows it plots (rows without a y, or without a
    /// numeric x, are left out); a missing or non-numeric y column, a non-positive value on a log axis, or no row to
    /// plot is an <see cref="ArgumentException"/> naming the column, and nothing is written.
    /// <paramref name="axisTitle"/> names an axis after its column (the column's own name when not given).
    /// </summary>
    public static int Write(ResultTable table, string x, string y, string? group, string? title, string png,
        Func<string, string>? axisTitle = null, PlotOptions? options = null)
    {
        var (plot, rows) = Compose(table, x, y, group, title, axisTitle, options);
        if (rows == 0)
        {
            throw new ArgumentException($"--y {y}: no row has a value to plot (all {table.Rows.Count} left out)");
        }
        NamedOutput.Write(png, tmp => plot.SavePng(tmp, Width, Height));
        return rows;
    }

    /// <summary>The plot <see cref="Write"/> renders (tests look at its axes).</summary>
    public static Plot Build(ResultTable table, string x, string y, string? group, string? title,
        Func<string, string>? axisTitle = null, PlotOptions? options = null) =>
        Compose(table, x, y, group, title, axisTitle, options).Plot;

    private static (Plot Plot, int Rows) Compose(ResultTable table, string x, string y, string? group, string? title,
        Func<string, string>? axisTitle, PlotOptions? options)
    {
        options ??= new PlotOptions();
        var xi = Column(table, x);
        var yi = Column(table, y);
        if (table.Columns[yi].Kind == ColumnKind.String)
        {
            throw new ArgumentException($"--y {y}: column is text, not numbers");
        }
        var gi = group is null ? -1 : Column(table, group);
        var categorical = table.Columns[xi].Kind == ColumnKind.String;
        if (categorical && options.LogX)
        {
            throw new ArgumentException($"--logx: column '{x}' is text, not numbers");
        }
        var categories = new List<string>();
        var series = new Dictionary<string, List<(double X, double Y)>>(StringComparer.Ordinal);
        var order = new List<string>();
        var plotted = 0;
        foreach (var row in table.Rows)
        {
            // A step without the field (a touch row when y is a migrate's count) has no point.
            if (row[yi] is null || (!categorical && row[xi] is null))
            {
                continue;
            }
            double xv;
            if (categorical)
            {
                var label = Label(row[xi]);
                var at = categories.IndexOf(label);
                if (at < 0)
                {
                    categories.Add(label);
                    at = categories.Count - 1;
                }
                xv = at;
            }
            else
            {
                xv = Number(row[xi]);
            }
            var yv = Number(row[yi]);
            RefuseNonPositive(options.LogX, "--logx", x, xv);
            RefuseNonPositive(options.LogY, "--logy", y, yv);
            var key = gi < 0 ? y : $"{table.Columns[gi].Name}={Label(row[gi])}";
            if (!series.TryGetValue(key, out var points))
            {
                series[key] = points = [];
                order.Add(key);
            }
            points.Add((xv, yv));
            plotted++;
        }
        var plot = new Plot();
        PlotFonts.Apply(plot);
        var palette = new ScottPlot.Palettes.Category10();
        var legend = order.Count > 1 || group is not null;
        double xLogMin = double.MaxValue, xLogMax = double.MinValue, yLogMin = double.MaxValue, yLogMax = double.MinValue;
        for (var s = 0; s < order.Count; s++)
        {
            var summary = PointSummary.Aggregate(series[order[s]], options.Bars);
            var xs = summary.Select(p => Scale(p.X, options.LogX)).ToArray();
            var means = summary.Select(p => Scale(p.Mean, options.LogY)).ToArray();
            var color = palette.GetColor(s);
            var sc = plot.Add.Scatter(xs, means, color);
            if (legend)
            {
                sc.LegendText = order[s];
            }
            sc.MarkerSize = 7;
            sc.LineWidth = 2;
            AddBars(plot, summary, options.LogX, options.LogY, color);
            foreach (var p in summary)
            {
                xLogMin = Math.Min(xLogMin, Scale(p.X, options.LogX));
                xLogMax = Math.Max(xLogMax, Scale(p.X, options.LogX));
                yLogMin = Math.Min(yLogMin, Scale(BarLow(p, options.LogY), options.LogY));
                yLogMax = Math.Max(yLogMax, Scale(p.High, options.LogY));
            }
        }
        if (categorical)
        {
            plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, categories.Count).Select(i => (double)i)], [.. categories]);
        }
        else
        {
            AxisTicks.Apply(plot.Axes.Bottom, AxisTicks.IntegerTicks(table.Columns[xi].Kind, options.LogX), options.LogX, xLogMin, xLogMax);
        }
        AxisTicks.Apply(plot.Axes.Left, AxisTicks.IntegerTicks(table.Columns[yi].Kind, options.LogY), options.LogY, yLogMin, yLogMax);
        plot.XLabel(AxisLabel(axisTitle?.Invoke(x) ?? x, options.LogX));
        plot.YLabel(AxisLabel(axisTitle?.Invoke(y) ?? y, options.LogY));
        plot.Title(title ?? $"{y} by {x}{(group is null ? "" : $", per {group}")}");
        if (legend)
        {
            plot.ShowLegend();
        }
        return (plot, plotted);
    }

    /// <summary>One bar per point that stands for a spread (a single row, or <see cref="ErrorBars.None"/>, has none).</summary>
    private static void AddBars(Plot plot, List<PointSummary> summary, bool logX, bool logY, Color color)
    {
        var spread = summary.Where(p => p.High > p.Low).ToList();
        if (spread.Count == 0)
        {
            return;
        }
        var xs = spread.Select(p => Scale(p.X, logX)).ToList();
        var means = spread.Select(p => Scale(p.Mean, logY)).ToList();
        var below = spread.Select(p => Scale(p.Mean, logY) - Scale(BarLow(p, logY), logY)).ToList();
        var above = spread.Select(p => Scale(p.High, logY) - Scale(p.Mean, logY)).ToList();
        // Set by name: the constructor takes the positive errors before the negative ones.
        var bars = new ScottPlot.Plottables.ErrorBar(xs, means, null, null, null, null)
        {
            YErrorNegative = below,
            YErrorPositive = above,
            LineWidth = 1.5f,
            CapSize = 6,
            Color = color,
        };
        plot.Add.Plottable(bars);
    }

    /// <summary>
    /// The lower end of a point's bar as drawn: on a log axis a 95% interval can reach below zero although every
    /// value is positive, so it stops at the smallest value instead.
    /// </summary>
    private static double BarLow(PointSummary p, bool logY) => logY && p.Low <= 0 ? p.Min : p.Low;

    private static void RefuseNonPositive(bool log, string option, string column, double value)
    {
        if (log && !(value > 0))
        {
            throw new ArgumentException($"{option}: column '{column}' has the value {value.ToString("R", CultureInfo.InvariantCulture)}; a log axis needs every plotted value above 0");
        }
    }

    private static double Scale(double v, bool log) => log ? Math.Log10(v) : v;

    private static string AxisLabel(string title, bool log) => log ? $"{title}, log scale" : title;

    private static int Column(ResultTable table, string name)
    {
        var i = table.IndexOf(name);
        if (i < 0)
        {
            throw new ArgumentException($"no column '{name}' (columns: {string.Join(", ", table.Columns.Select(c => c.Name))})");
        }
        return i;
    }

    private static double Number(object? cell) => cell switch
    {
        long l => l,
        double d => d,
        _ => double.NaN,
    };

    private static string Label(object? cell) => cell switch
    {
        null => "",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => cell.ToString() ?? "",
    };
}
