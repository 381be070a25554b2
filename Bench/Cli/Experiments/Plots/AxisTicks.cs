using System.Globalization;
using HmmEcs.Cli.Experiments.Tables;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>
/// Tick placement of a <see cref="TablePlot"/> axis: whole numbers for an integer column (a count of runs or
/// engines has no 2.5), and labelled powers of ten for a log axis, whose data are drawn as their base-10 logs.
/// </summary>
public static class AxisTicks
{
    /// <summary>True when an axis of <paramref name="kind"/> gets whole-number ticks only; a log axis has its own.</summary>
    public static bool IntegerTicks(ColumnKind kind, bool log) => kind == ColumnKind.Int64 && !log;

    /// <summary>
    /// Sets the ticks of a linear axis, or of a log axis spanning the logs <paramref name="logMin"/> to
    /// <paramref name="logMax"/>: one labelled tick per decade when the data span one, else labelled ticks
    /// between (so a narrow range still shows numbers), with the 2…9 minor ticks of each decade.
    /// </summary>
    public static void Apply(IAxis axis, bool integer, bool log, double logMin = 0, double logMax = 0)
    {
        if (log)
        {
            axis.TickGenerator = new NumericAutomatic
            {
                IntegerTicksOnly = logMax - logMin >= 1,
                MinorTickGenerator = new LogMinorTickGenerator(),
                LabelFormatter = LogLabel,
            };
        }
        else if (integer)
        {
            axis.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        }
    }

    /// <summary>The label of the tick at base-10 log <paramref name="log"/>: the value itself, plainly written where it is short.</summary>
    public static string LogLabel(double log)
    {
        var v = Math.Pow(10, log);
        return v is >= 1e-3 and < 1e6
            ? v.ToString(v >= 1 ? "#,0.##" : "0.####", CultureInfo.InvariantCulture)
            : v.ToString("0.##e0", CultureInfo.InvariantCulture);
    }
}
