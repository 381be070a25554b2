using HmmEcs.Cli.Experiments.Plots;
using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Cli.Commands;

/// <summary>
/// <c>hmmecs plot TABLE(.csv|.parquet) --x COL --y COL [--group COL] [--where COL=V …] [--bars minmax|ci95|none]
/// [--logx] [--logy] [--title T] --out F.png</c>: a line/scatter picture of a sweep table, rows at equal x
/// aggregated into a mean with an error bar.
/// </summary>
internal static class PlotCommand
{
    public static int Execute(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var o = OptionReader.Parse(args, ["--x", "--y", "--group", "--where", "--title", "--out", "--bars"], ["--logx", "--logy"], out var error);
        if (o is null)
        {
            return Bad(stderr, error!);
        }
        try
        {
            if (o.Positional.Count != 1)
            {
                return Bad(stderr, "give one TABLE (.csv or .parquet)");
            }
            var x = o.One("--x");
            var y = o.One("--y");
            var png = o.One("--out");
            if (x is null || y is null || png is null)
            {
                return Bad(stderr, "--x COL, --y COL and --out F.png are required");
            }
            var bars = o.One("--bars") switch
            {
                null or "minmax" => ErrorBars.MinMax,
                "ci95" => ErrorBars.Ci95,
                "none" => ErrorBars.None,
                var b => throw new ArgumentException($"--bars {b}: expected minmax, ci95 or none"),
            };
            var path = o.Positional[0];
            if (!File.Exists(path))
            {
                return Bad(stderr, $"cannot read {path}: no such file");
            }
            var table = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? ParquetTable.Read(path) : CsvTable.Read(path);
            foreach (var w in o.All("--where"))
            {
                table = Filter(table, w);
            }
            if (table.Rows.Count == 0)
            {
                return Bad(stderr, $"{path}: no rows to plot");
            }
            var dir = Path.GetDirectoryName(Path.GetFullPath(png));
            if (dir is not null)
            {
                Directory.CreateDirectory(dir);
            }
            if (PlotFonts.Warning is { } warning)
            {
                stderr.WriteLine($"hmmecs plot: warning: {warning}");
            }
            TablePlot.Write(table, x, y, o.One("--group"), o.One("--title"), png, StepRows.ForTable(table).AxisTitle,
                new PlotOptions(bars, o.Has("--logx"), o.Has("--logy")));
            stdout.WriteLine($"wrote {png} ({table.Rows.Count} rows)");
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
        stderr.WriteLine($"hmmecs plot: {message}");
        return HmmecsCommand.Invalid;
    }
}
