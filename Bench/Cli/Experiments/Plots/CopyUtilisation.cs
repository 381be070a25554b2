using HmmEcs.Cli.Experiments.Trace;

namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>
/// The copy engines' busy fraction over time in equal bins. A 1M-page migrate issues 16,384 commands, whose
/// rectangles would draw as one solid bar; above <see cref="MaxCommandsDrawn"/> commands the report draws this instead.
/// </summary>
public static class CopyUtilisation
{
    /// <summary>The most commands the copy chart draws one by one.</summary>
    public const int MaxCommandsDrawn = 300;

    /// <summary>Bins of a utilisation chart.</summary>
    public const int Bins = 120;

    /// <summary>True when a timeline of <paramref name="commands"/> commands is drawn as utilisation bins.</summary>
    public static bool Binned(int commands) => commands > MaxCommandsDrawn;

    /// <summary>
    /// Per engine (first index) and bin (second), the fraction of the bin the engine spends on commands, for
    /// <paramref name="bins"/> equal bins from 0 to <paramref name="endUs"/>.
    /// </summary>
    public static double[][] Busy(IReadOnlyList<CopyCommand> commands, int engines, double endUs, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var busy = new double[engines][];
        for (var e = 0; e < engines; e++)
        {
            busy[e] = new double[bins];
        }
        if (endUs <= 0)
        {
            return busy;
        }
        var width = endUs / bins;
        foreach (var c in commands)
        {
            var start = c.StartUs;
            var end = c.StartUs + c.DurationUs;
            var first = Math.Clamp((int)(start / width), 0, bins - 1);
            var last = Math.Clamp((int)(end / width), 0, bins - 1);
            for (var b = first; b <= last; b++)
            {
                var overlap = Math.Min(end, (b + 1) * width) - Math.Max(start, b * width);
                if (overlap > 0)
                {
                    busy[c.Engine][b] += overlap / width;
                }
            }
        }
        // Rounding can carry a fully busy bin a hair over 1.
        foreach (var row in busy)
        {
            for (var b = 0; b < bins; b++)
            {
                row[b] = Math.Min(1, row[b]);
            }
        }
        return busy;
    }
}
