using HmmEcs.Cli.Experiments.Output;
using HmmEcs.Cli.Experiments.Plots;
using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Cli.Commands;

/// <summary>The parsed options of <c>hmmecs plot</c>.</summary>
internal sealed record PlotOptionsGiven(string Table, string X, string Y, string? Group, IReadOnlyList<string> Where, string? Title, string Out,
    string? Bars, bool LogX, bool LogY);

/// <summary>
/// <c>hmmecs plot TABLE(.csv|.parquet) --x COL --y COL [--group COL] [--where COL=V …] [--bars minmax|ci95|none]
/// [--logx] [--logy] [--title T] --out F.png</c>: a line/scatter picture of a sweep table, rows at equal x
/// aggregated into a mean with an error bar.
/// </summary>
internal static class PlotCommand
{
    /// <summary>Plots with the parsed options (<see cref="Line.PlotVerb"/> parses them).</summary>
    public static int Execute(PlotOptionsGiven o, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var (x, y, png) = (o.X, o.Y, o.Out);
            var bars = o.Bars switch
            {
                null or "minmax" => ErrorBars.MinMax,
                "ci95" => ErrorBars.Ci95,
                "none" => ErrorBars.None,
                var b => throw new ArgumentException($"--bars {b}: expected minmax, ci95 or none"),
            };
            var path = o.Table;
            // Checked before the table is read: .NET's own words would be "Is a directory : '/tmp'", after the work.
            if (Directory.Exists(png))
            {
                return Bad(stderr, $"--out {png} is a directory; give the PNG file to write");
            }
            if (NamedOutput.SameFile(png, path))
            {
                return Bad(stderr, $"--out {png} is the table itself: the picture would overwrite it");
            }
            if (NamedOutput.Problem(png) is { } problem)
            {
                return Bad(stderr, problem);
            }
            var table = TableFile.Read(path);
            foreach (var w in o.Where)
            {
                table = Filter(table, w);
            }
            if (table.Rows.Count == 0)
            {
                return Bad(stderr, $"{path}: no rows to plot");
            }
            if (PlotFonts.Warning is { } warning)
            {
                stderr.WriteLine($"hmmecs plot: warning: {warning}");
            }
            var plotted = TablePlot.Write(table, x, y, o.Group, o.Title, png, StepRows.ForTable(table).AxisTitle, new PlotOptions(bars, o.LogX, o.LogY));
            var leftOut = table.Rows.Count - plotted;
            // A picture sent to stdout (a pipe to a viewer) keeps stdout to itself.
            (NamedOutput.StandardStream(png) == 1 ? stderr : stdout).WriteLine($"wrote {png} ({plotted} rows{(leftOut > 0 ? $"; {leftOut} without a value to plot left out" : "")})");
            return HmmecsCommand.Ok;
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException or FormatException)
        {
            return Bad(stderr, e.Message.ReplaceLineEndings(" "));
        }
    }

    /// <summary>Keeps the rows whose column equals the value as text (<c>step=3</c>, <c>engine=ecs</c>).</summary>
    private static ResultTable Filter(ResultTable table, string where)
    {
        var eq = where.IndexOf('=');
        if (eq <= 0)
        {
            throw new ArgumentException($"--where '{where}': expected COL=VALUE");
        }
        var c = table.IndexOf(where[..eq]);
        if (c < 0)
        {
            throw new ArgumentException($"--where: no column '{where[..eq]}'");
        }
        var value = where[(eq + 1)..];
        var kept = new ResultTable(table.Columns);
        foreach (var row in table.Rows)
        {
            var text = row[c] switch
            {
                long l => l.ToString(System.Globalization.CultureInfo.InvariantCulture),
                double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                var v => v?.ToString() ?? "",
            };
            if (text == value)
            {
                kept.Add(row);
            }
        }
        return kept;
    }

    private static int Bad(TextWriter stderr, string message)
    {
        stderr.WriteLine($"hmmecs plot: {TerminalText.Escape(message)}");
        return HmmecsCommand.Invalid;
    }
}
