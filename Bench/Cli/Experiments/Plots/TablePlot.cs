using HmmEcs.Cli.Experiments.Output;
using System.Globalization;
using HmmEcs.Cli.Experiments.Tables;
using ScottPlot;

namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>
/// A line-and-marker plot of one table column against another, one series per value of a group column.
/// A string x column is drawn as categories in order of first appearance.
/// </summary>
public static class TablePlot
{
    /// <summary>Pixel size of every picture.</summary>
    public const int Width = 900, Height = 540;

    /// <summary>
    /// Renders the plot to <paramref name="png"/>; a missing or non-numeric y column is an <see cref="ArgumentException"/>.
    /// <paramref name="axisTitle"/> names an axis after its column (the column's own name when not given).
    /// </summary>
    public static void Write(ResultTable table, string x, string y, string? group, string? title, string png, Func<string, string>? axisTitle = null)
    {
        var xi = Column(table, x);
        var yi = Column(table, y);
        if (table.Columns[yi].Kind == ColumnKind.String)
        {
            throw new ArgumentException($"--y {y}: column is text, not numbers");
        }
        var gi = group is null ? -1 : Column(table, group);
        var categorical = table.Columns[xi].Kind == ColumnKind.String;
        var categories = new List<string>();
        var series = new Dictionary<string, List<(double X, double Y)>>(StringComparer.Ordinal);
        var order = new List<string>();
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
            var key = gi < 0 ? y : $"{table.Columns[gi].Name}={Label(row[gi])}";
            if (!series.TryGetValue(key, out var points))
            {
                series[key] = points = [];
                order.Add(key);
            }
            points.Add((xv, Number(row[yi])));
        }
        var plot = new Plot();
        PlotFonts.Apply(plot);
        foreach (var key in order)
        {
            var points = series[key];
            points.Sort((a, b) => a.X.CompareTo(b.X));
            var sc = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
            sc.LegendText = key;
            sc.MarkerSize = 7;
            sc.LineWidth = 2;
        }
        if (categorical)
        {
            plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, categories.Count).Select(i => (double)i)], [.. categories]);
        }
        plot.XLabel(axisTitle?.Invoke(x) ?? x);
        plot.YLabel(axisTitle?.Invoke(y) ?? y);
        plot.Title(title ?? $"{y} by {x}{(group is null ? "" : $", per {group}")}");
        if (order.Count > 1 || group is not null)
        {
            plot.ShowLegend();
        }
        AtomicFile.Write(png, tmp => plot.SavePng(tmp, Width, Height));
    }

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
