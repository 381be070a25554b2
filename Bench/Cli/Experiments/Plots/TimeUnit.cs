using System.Globalization;

namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>
/// The unit a time is shown in: µs, ms or s, the largest that keeps the value at least 1, so a 1M-page copy reads
/// "12.6 ms" and its axis counts milliseconds rather than tens of thousands of microseconds.
/// </summary>
/// <param name="Name">The unit's symbol.</param>
/// <param name="Microseconds">Microseconds in one unit.</param>
public readonly record struct TimeUnit(string Name, double Microseconds)
{
    /// <summary>Microseconds.</summary>
    public static readonly TimeUnit Us = new("µs", 1);

    /// <summary>Milliseconds.</summary>
    public static readonly TimeUnit Ms = new("ms", 1e3);

    /// <summary>Seconds.</summary>
    public static readonly TimeUnit S = new("s", 1e6);

    /// <summary>The unit for times up to <paramref name="us"/> microseconds.</summary>
    public static TimeUnit For(double us) => Math.Abs(us) switch
    {
        >= 1e6 => S,
        >= 1e3 => Ms,
        _ => Us,
    };

    /// <summary><paramref name="us"/> microseconds in its own unit: 1500 → "1.5 ms", 12.25 → "12.25 µs".</summary>
    public static string Format(double us) => For(us).Show(us);

    /// <summary><paramref name="us"/> microseconds in this unit, with at most three decimals.</summary>
    public string Show(double us) => $"{In(us).ToString("0.###", CultureInfo.InvariantCulture)} {Name}";

    /// <summary><paramref name="us"/> microseconds as a number of this unit.</summary>
    public double In(double us) => us / Microseconds;
}
