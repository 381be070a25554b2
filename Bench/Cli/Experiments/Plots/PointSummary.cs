namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>
/// The rows of one series at one x drawn as one point: the mean of their y, and the ends of its error bar
/// (equal to the mean when there is no bar). Repetitions and seeds give several rows per x; joining them in
/// row order drew zig-zags.
/// </summary>
/// <param name="X">The x value.</param>
/// <param name="Mean">The mean of the y values at <paramref name="X"/>.</param>
/// <param name="Low">The bar's lower end.</param>
/// <param name="High">The bar's upper end.</param>
/// <param name="Min">The smallest y value.</param>
/// <param name="Max">The largest y value.</param>
/// <param name="Count">How many rows the point stands for.</param>
public readonly record struct PointSummary(double X, double Mean, double Low, double High, double Min, double Max, int Count)
{
    /// <summary>One point per distinct x of <paramref name="points"/>, in ascending x.</summary>
    public static List<PointSummary> Aggregate(IEnumerable<(double X, double Y)> points, ErrorBars bars)
    {
        var byX = new SortedDictionary<double, List<double>>();
        foreach (var (x, y) in points)
        {
            if (!byX.TryGetValue(x, out var ys))
            {
                byX[x] = ys = [];
            }
            ys.Add(y);
        }
        return [.. byX.Select(kv => Of(kv.Key, kv.Value, bars))];
    }

    /// <summary>The point of the values <paramref name="ys"/> at <paramref name="x"/> (at least one value).</summary>
    public static PointSummary Of(double x, IReadOnlyList<double> ys, ErrorBars bars)
    {
        if (ys.Count == 0)
        {
            throw new ArgumentException("a point needs at least one value", nameof(ys));
        }
        var mean = ys.Average();
        double min = ys.Min(), max = ys.Max();
        switch (bars)
        {
            case ErrorBars.MinMax:
                return new PointSummary(x, mean, min, max, min, max, ys.Count);
            case ErrorBars.Ci95 when ys.Count > 1:
                var variance = ys.Sum(y => (y - mean) * (y - mean)) / (ys.Count - 1);
                var half = StudentT.Quantile975(ys.Count - 1) * Math.Sqrt(variance / ys.Count);
                return new PointSummary(x, mean, mean - half, mean + half, min, max, ys.Count);
            default:
                // One value has no interval; "none" draws no bar.
                return new PointSummary(x, mean, mean, mean, min, max, ys.Count);
        }
    }
}
