using HmmEcs.Cli.Commands;

namespace HmmEcs.Cli;

/// <summary>The <c>hmmecs</c> command.</summary>
public static class Program
{
    /// <summary>Entry point: every verb goes to <see cref="HmmecsCommand"/>.</summary>
    public static int Main(string[] args) => HmmecsCommand.Execute(args, Console.Out, Console.Error);
}
