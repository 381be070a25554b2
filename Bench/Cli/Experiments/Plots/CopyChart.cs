using HmmEcs.Cli.Experiments.Output;
using HmmEcs.Cli.Experiments.Trace;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using ScottPlot;

namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>
/// The report's picture of one migrate's copy: a rectangle per command on each engine's row, or, above
/// <see cref="CopyUtilisation.MaxCommandsDrawn"/> commands, each engine's busy fraction per time bin. Times are
/// in the unit that suits the copy's length (<see cref="TimeUnit"/>).
/// </summary>
public static class CopyChart
{
    /// <summary>Draws <paramref name="t"/>, the copy of <paramref name="step"/> that took <paramref name="deviceTimeUs"/>, to <paramref name="png"/>.</summary>
    public static void Write(StepResult step, CopyTimeline t, double deviceTimeUs, string png)
    {
        var end = Math.Max(deviceTimeUs, t.Commands.Count == 0 ? 0 : t.Commands.Max(c => c.StartUs + c.DurationUs));
        var unit = TimeUnit.For(end);
        var plot = new Plot();
        PlotFonts.Apply(plot);
        var binned = CopyUtilisation.Binned(t.Commands.Count);
        var labels = binned ? Utilisation(plot, t, end, unit) : Commands(plot, t, unit);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, t.Engines).Select(i => (double)i)], labels);
        var source = t.Issued ? "as issued" : "copy-engine model";
        plot.XLabel(binned
            ? $"device time ({unit.Name}, {source}); bar height: busy fraction of each {unit.Show(end / CopyUtilisation.Bins)} bin"
            : $"device time ({unit.Name}, {source})");
        var copy = ((MigrateResult)step.Result).Copy;
        plot.Title($"copy of migrate #{RunCapture.Label(step)}: {copy.Pages} pages, {copy.Batches} commands, {TimeUnit.Format(deviceTimeUs)}");
        plot.Axes.SetLimitsX(0, unit.In(end) * 1.02);
        AtomicFile.Write(png, tmp => plot.SavePng(tmp, TablePlot.Width, Math.Max(260, 140 + 70 * t.Engines)));
    }

    /// <summary>A rectangle per command, alternate colours so neighbours stay apart.</summary>
    private static string[] Commands(Plot plot, CopyTimeline t, TimeUnit unit)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var c = 0; c < t.Commands.Count; c++)
        {
            var cmd = t.Commands[c];
            bars.Add(new Bar
            {
                Position = cmd.Engine,
                ValueBase = unit.In(cmd.StartUs),
                Value = unit.In(cmd.StartUs + cmd.DurationUs),
                FillColor = palette.GetColor(c % 2 == 0 ? 0 : 9),
                LineColor = Colors.Black,
                Size = 0.6,
            });
        }
        var bp = plot.Add.Bars(bars);
        bp.Horizontal = true;
        return [.. Enumerable.Range(0, t.Engines).Select(i => $"{t.Device} engine {i}")];
    }

    /// <summary>
    /// Per engine a band of bins, each as high as the engine's busy fraction in it (a full band is 100%); the row
    /// label gives the engine's busy fraction over the whole copy.
    /// </summary>
    private static string[] Utilisation(Plot plot, CopyTimeline t, double endUs, TimeUnit unit)
    {
        const double band = 0.8;
        var busy = CopyUtilisation.Busy(t.Commands, t.Engines, endUs, CopyUtilisation.Bins);
        var width = unit.In(endUs) / CopyUtilisation.Bins;
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var e = 0; e < t.Engines; e++)
        {
            for (var b = 0; b < CopyUtilisation.Bins; b++)
            {
                bars.Add(new Bar
                {
                    Position = (b + 0.5) * width,
                    ValueBase = e - band / 2,
                    Value = e - band / 2 + band * busy[e][b],
                    FillColor = palette.GetColor(e % 10),
                    LineWidth = 0,
                    Size = width,
                });
            }
            // The band's outline marks 100%, so a half-busy bin reads as half.
            var outline = plot.Add.Rectangle(0, unit.In(endUs), e - band / 2, e + band / 2);
            outline.FillStyle.Color = Colors.Transparent;
            outline.LineStyle.Color = Colors.Gray;
        }
        plot.Add.Bars(bars);
        return [.. Enumerable.Range(0, t.Engines).Select(e => $"{t.Device} engine {e}: {busy[e].Average():0%} busy")];
    }
}
