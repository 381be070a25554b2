using HmmEcs.Cli.Experiments.Output;
using System.Globalization;
using System.Text;
using HmmEcs.Cli.Experiments.Trace;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using ScottPlot;

namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>
/// <c>hmmecs run FILE --report DIR</c>: per migrate step a bar chart of the outcome (migrated and each nonzero
/// reason) and a chart of the copy engines' commands over model time; a stacked bar of each migrate's phase
/// times where the engine exposes them (ECS); and <c>index.md</c> listing them with the numbers.
/// </summary>
public static class RunReport
{
    /// <summary>The report's index file.</summary>
    public const string IndexName = "index.md";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes the report of a captured run into <paramref name="dir"/>; returns the files written.</summary>
    public static IReadOnlyList<string> Write(RunCapture run, ScenarioResult result, string dir)
    {
        Directory.CreateDirectory(dir);
        var files = new List<string>();
        var md = new StringBuilder();
        md.Append(Inv, $"# {result.Scenario} on {result.Engine}\n\n");
        md.Append(Inv, $"seed {result.Seed}, payload {result.Payload}, {result.Steps.Count} steps, {(result.Ok ? "every expectation held" : "**FAILED**: an expectation missed or an invariant broke")}.\n\n");
        var migrations = run.Migrations().ToList();
        if (migrations.Count == 0)
        {
            md.Append("The scenario has no migrate step, so there is nothing to chart.\n");
        }
        else
        {
            md.Append(ReportSummary.Table(migrations.Select(m => (m.Step, m.Record?.Request.To ?? "?")))).Append('\n');
        }
        foreach (var (step, _, record) in migrations)
        {
            var label = RunCapture.Label(step);
            var m = (MigrateResult)step.Result;
            var deviceTimeUs = DeviceTimeUs(step);
            var to = record?.Request.To ?? "?";
            md.Append(Inv, $"## migrate #{label} → {to}\n\n");
            md.Append(Inv, $"requested {m.Requested}, migrated {m.Migrated}, TLB flushes {m.TlbFlushes}, ");
            md.Append(Inv, $"copy {m.Copy.Pages} pages in {m.Copy.Batches} commands, {TimeUnit.Format(deviceTimeUs)} device time, {TimeUnit.Format(step.WallMs * 1000)} wall");
            md.Append(step.ErrorName is { } e ? $", error {e}.\n\n" : ".\n\n");
            var outcome = $"migrate-{label}-outcome.png";
            Outcome(step, to, Path.Combine(dir, outcome));
            files.Add(outcome);
            md.Append(Inv, $"![outcome of migrate #{label}]({outcome})\n\n");
            var timeline = record is null ? null
                : CopyTimeline.Build(run.Config, record, m.Copy.Pages, m.Copy.Batches, deviceTimeUs);
            if (timeline is not null)
            {
                var copy = $"migrate-{label}-copy.png";
                CopyChart.Write(step, timeline, deviceTimeUs, Path.Combine(dir, copy));
                files.Add(copy);
                md.Append(Inv, $"![copy engines of migrate #{label}]({copy})\n\n");
                if (CopyUtilisation.Binned(timeline.Commands.Count))
                {
                    md.Append(Inv, $"({timeline.Commands.Count} commands are too many to draw one by one, so the chart shows each engine's busy fraction in {CopyUtilisation.Bins} equal time bins.)\n\n");
                }
                if (!timeline.Exact)
                {
                    md.Append("(The per-command list could not be rebuilt from the pages that migrated, so the copy is one bar.)\n\n");
                }
            }
        }
        if (migrations.Any(m => m.Record is { Phases.Count: > 0 }))
        {
            const string phases = "migrate-phases.png";
            Phases(migrations, Path.Combine(dir, phases));
            files.Add(phases);
            md.Append("## phase times\n\n").Append(Inv, $"![wall time of each migrate by phase]({phases})\n\n");
            md.Append("Wall-clock times of the ECS pipeline's phases; the first migrate of a run also pays .NET's JIT compilation.\n\n");
        }
        else if (migrations.Count > 0)
        {
            md.Append(Inv, $"The {result.Engine} engine does not expose per-phase times, so there is no phase chart.\n");
        }
        AtomicFile.WriteAllText(Path.Combine(dir, IndexName), md.ToString());
        files.Add(IndexName);
        return files;
    }

    private static void Outcome(StepResult step, string to, string png)
    {
        var m = (MigrateResult)step.Result;
        var names = new List<string> { "migrated" };
        var values = new List<double> { m.Migrated };
        for (var r = 1; r < MigrateReasons.Count; r++)
        {
            if (m.Reasons[r] != 0)
            {
                names.Add(((MigrateReason)r).Key());
                values.Add(m.Reasons[r]);
            }
        }
        var plot = new Plot();
        PlotFonts.Apply(plot);
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        for (var i = 0; i < values.Count; i++)
        {
            bars.Add(new Bar
            {
                Position = i,
                Value = values[i],
                FillColor = i == 0 ? Colors.SeaGreen : palette.GetColor(i),
                Label = values[i].ToString("0", Inv),
            });
        }
        var bp = plot.Add.Bars(bars);
        bp.ValueLabelStyle.FontSize = 14;
        PlotFonts.Apply(bp.ValueLabelStyle);
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, names.Count).Select(i => (double)i)], [.. names]);
        plot.Axes.Margins(bottom: 0);
        plot.YLabel("pages");
        plot.Title($"migrate #{RunCapture.Label(step)} → {to}: {m.Migrated} of {m.Requested} pages migrated{(step.ErrorName is { } e ? $" ({e})" : "")}");
        AtomicFile.Write(png, tmp => plot.SavePng(tmp, TablePlot.Width, TablePlot.Height));
    }

    private static void Phases(List<(StepResult Step, double StartUs, MigrateRecord? Record)> migrations, string png)
    {
        var plot = new Plot();
        PlotFonts.Apply(plot);
        var palette = new ScottPlot.Palettes.Category10();
        var bars = new List<Bar>();
        var phaseNames = new List<string>();
        var unit = TimeUnit.For(migrations.Max(m => m.Record?.Phases.Sum(p => p.Microseconds) ?? 0));
        for (var m = 0; m < migrations.Count; m++)
        {
            var phases = migrations[m].Record?.Phases ?? [];
            var at = 0.0;
            foreach (var ph in phases)
            {
                var k = phaseNames.IndexOf(ph.Phase);
                if (k < 0)
                {
                    phaseNames.Add(ph.Phase);
                    k = phaseNames.Count - 1;
                }
                bars.Add(new Bar { Position = m, ValueBase = unit.In(at), Value = unit.In(at + ph.Microseconds), FillColor = palette.GetColor(k) });
                at += ph.Microseconds;
            }
        }
        plot.Add.Bars(bars);
        for (var k = 0; k < phaseNames.Count; k++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = phaseNames[k], FillColor = palette.GetColor(k) });
        }
        plot.ShowLegend(Edge.Right);
        // At most about 12 labelled ticks, so the labels of a long repeat stay readable.
        var every = Math.Max(1, (migrations.Count + 11) / 12);
        var ticks = Enumerable.Range(0, migrations.Count).Where(i => i % every == 0).ToArray();
        plot.Axes.Bottom.SetTicks([.. ticks.Select(i => (double)i)], [.. ticks.Select(i => $"#{RunCapture.Label(migrations[i].Step)}")]);
        plot.XLabel("migrate step (index, or index.pass.inner in a repeat)");
        plot.Axes.Margins(bottom: 0);
        plot.YLabel($"wall time ({unit.Name})");
        plot.Title("migrate phases (wall clock, ECS pipeline)");
        AtomicFile.Write(png, tmp => plot.SavePng(tmp, TablePlot.Width, TablePlot.Height));
    }

    private static double DeviceTimeUs(StepResult step) => ReportSummary.DeviceTimeUs(step);
}
