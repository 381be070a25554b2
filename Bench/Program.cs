using BenchmarkDotNet.Running;

namespace HmmEcs.Bench;

/// <summary>The <c>hmmecs</c> command.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bench")
        {
            // BenchmarkDotNet's own switches (--filter, --job, --list) follow the verb.
            BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
            return 0;
        }
        Console.WriteLine("hmmecs: HMM device-memory migration simulator");
        Console.WriteLine("usage: hmmecs bench [BenchmarkDotNet options]");
        return 0;
    }
}
