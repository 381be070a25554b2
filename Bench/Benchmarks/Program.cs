using BenchmarkDotNet.Running;

namespace HmmEcs.Benchmarks;

/// <summary>The BenchmarkDotNet suite: <c>dotnet run -c Release --project Bench/Benchmarks -- --filter '*Migrate*'</c>.</summary>
public static class Program
{
    /// <summary>
    /// Entry point: BenchmarkDotNet's own switches (<c>--filter</c>, <c>--job</c>, <c>--list flat|tree</c>). Never
    /// interactive: without a filter it lists the benchmarks (BenchmarkDotNet would wait for a choice on stdin), and a
    /// bare <c>--list</c> means <c>--list flat</c>. Exit 1 when a benchmark failed or did not validate.
    /// </summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "phases")
        {
            return Migrate.PhaseProbe.Run(args[1..]);
        }
        if (args.Length > 0 && args[0] == "small-calls")
        {
            return Migrate.SmallCallProbe.Run(args[1..]);
        }
        if (args.Length > 0 && !args[0].StartsWith('-'))
        {
            // BenchmarkDotNet takes options only: a word first is a probe's name mistyped.
            Console.Error.WriteLine($"unknown command '{args[0]}': give a probe (phases, small-calls) or BenchmarkDotNet's options (--filter '*Name*', --list flat)");
            return Migrate.ProbeArguments.Invalid;
        }
        var switcher = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly);
        var effective = Effective(args);
        if (!ReferenceEquals(effective, args) && !args.Contains("--list"))
        {
            Console.WriteLine("No --filter given: the benchmarks are listed below; run some with --filter '*Name*' (e.g. --filter '*MigrateScale*').");
        }
        var summaries = switcher.Run(effective);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    /// <summary>The arguments BenchmarkDotNet gets: a list instead of its interactive picker.</summary>
    internal static string[] Effective(string[] args)
    {
        static bool Has(string[] a, params string[] names) => a.Any(x => names.Any(n => x == n || x.StartsWith(n + "=", StringComparison.Ordinal)));
        var list = Array.IndexOf(args, "--list");
        if (list >= 0 && (list == args.Length - 1 || args[list + 1].StartsWith('-')))
        {
            return [.. args[..(list + 1)], "flat", .. args[(list + 1)..]];
        }
        if (!Has(args, "--filter", "-f", "--list", "--help", "-h", "--version", "--info"))
        {
            return [.. args, "--list", "flat"];
        }
        return args;
    }
}
