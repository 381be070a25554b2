using System.Globalization;
using HmmEcs.Cli.Experiments.Tables;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>
/// Tick placement of a <see cref="TablePlot"/> axis: whole numbers for an integer column (a count of runs or
/// engines has no 2.5), and values at powers of ten (and 2 and 5 times them over a narrow range) for a log axis,
/// whose data are drawn as their base-10 logs.
/// </summary>
public static class AxisTicks
{
    /// <summary>True when an axis of <paramref name="kind"/> gets whole-number ticks only; a log axis has its own.</summary>
    public static bool IntegerTicks(ColumnKind kind, bool log) => kind == ColumnKind.Int64 && !log;

    /// <summary>
    /// Sets the ticks of a linear axis, or of a log axis whose data's logs span <paramref name="logMin"/> to
    /// <paramref name="logMax"/> (<see cref="LogTicks"/>).
    /// </summary>
    public static void Apply(IAxis axis, bool integer, bool log, double logMin = 0, double logMax = 0)
    {
        if (log)
        {
            var ticks = LogTicks(logMin, logMax);
            axis.SetTicks([.. ticks], [.. ticks.Select(LogLabel)]);
        }
        else if (integer)
        {
            axis.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        }
    }

    /// <summary>
    /// The tick positions (base-10 logs) of a log axis over the logs <paramref name="logMin"/> to
    /// <paramref name="logMax"/>: the powers of ten when at least three fall inside, else 1, 2 and 5 times them, else
    /// every whole multiple, so a range narrower than a decade still shows numbers.
    /// </summary>
    public static List<double> LogTicks(double logMin, double logMax)
    {
        const double slack = 1e-9;
        int[][] steps = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]];
        var ticks = new List<double>();
        foreach (var multiples in steps)
        {
            ticks.Clear();
            for (var decade = Math.Floor(logMin); decade <= Math.Ceiling(logMax); decade++)
            {
                foreach (var m in multiples)
                {
                    var t = decade + Math.Log10(m);
                    if (t >= logMin - slack && t <= logMax + slack)
                    {
                        ticks.Add(t);
                    }
                }
            }
            if (ticks.Count >= 3)
            {
                return ticks;
            }
        }
        return ticks.Count > 0 ? ticks : [logMin];
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
