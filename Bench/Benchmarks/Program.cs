using BenchmarkDotNet.Running;

namespace HmmEcs.Benchmarks;

/// <summary>The BenchmarkDotNet suite: <c>dotnet run -c Release --project Bench/Benchmarks -- --filter '*Migrate*'</c>.</summary>
public static class Program
{
    /// <summary>Entry point: BenchmarkDotNet's own switches (<c>--filter</c>, <c>--job</c>, <c>--list flat</c>).</summary>
    public static int Main(string[] args)
    {
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
