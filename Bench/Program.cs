using BenchmarkDotNet.Running;
using HmmEcs.Bench.Cli;

namespace HmmEcs.Bench;

/// <summary>The <c>hmmecs</c> command.</summary>
public static class Program
{
    /// <summary>Entry point: <c>bench</c> goes to BenchmarkDotNet, everything else to <see cref="HmmecsCommand"/>.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bench")
        {
            // BenchmarkDotNet's own switches (--filter, --job, --list) follow the verb.
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
            return 0;
        }
        return HmmecsCommand.Execute(args, Console.Out, Console.Error);
    }
}
