using System.Globalization;

namespace HmmEcs.Benchmarks.Migrate;

/// <summary>
/// A probe's positional arguments, each a whole number in a range: a wrong one (not a number, out of range, one too
/// many) is a one-line message with the probe's usage on stderr and exit code 2, never a stack trace.
/// </summary>
internal sealed class ProbeArguments(string probe, string usage, string[] args)
{
    /// <summary>Exit code of a probe called wrongly.</summary>
    public const int Invalid = 2;

    /// <summary>The first problem found, or null.</summary>
    public string? Problem { get; private set; } = args.Length > CountNamed(usage) ? $"one argument too many: '{args[CountNamed(usage)]}'" : null;

    /// <summary>Argument <paramref name="index"/> (<paramref name="name"/>), or <paramref name="fallback"/> when not given.</summary>
    public int Get(int index, string name, int fallback, int min, int max)
    {
        if (index >= args.Length || Problem is not null)
        {
            return fallback;
        }
        if (!int.TryParse(args[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            Problem = $"{name} must be a whole number from {min.ToString("N0", CultureInfo.InvariantCulture)} to {max.ToString("N0", CultureInfo.InvariantCulture)}, not '{args[index]}'";
            return fallback;
        }
        return value;
    }

    /// <summary>Records a problem found by the probe itself (a combination of values it cannot run).</summary>
    public void Refuse(string problem) => Problem ??= problem;

    /// <summary>True, after writing the problem and the usage to stderr, when an argument was wrong.</summary>
    public bool Failed()
    {
        if (Problem is null)
        {
            return false;
        }
        Console.Error.WriteLine($"{probe}: {Problem}");
        Console.Error.WriteLine($"usage: {probe} {usage}");
        return true;
    }

    /// <summary>The arguments a usage line names (each in brackets).</summary>
    private static int CountNamed(string usage) => usage.Count(c => c == '[');
}
