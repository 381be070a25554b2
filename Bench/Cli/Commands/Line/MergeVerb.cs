using System.CommandLine;

namespace HmmEcs.Cli.Commands.Line;

/// <summary><c>hmmecs merge DIR… --out DIR [--force]</c>.</summary>
internal static class MergeVerb
{
    public static Command Build(IReadOnlyList<string> commandLine)
    {
        var dirs = new Argument<string[]>("DIR") { Description = "The shards' output directories", Arity = ArgumentArity.OneOrMore };
        var outDir = CliOptions.Text("--out", "DIR", "Where the merged tables, run documents and manifest go", required: true);
        var force = CliOptions.Flag("--force", "Replace the sweep files of a non-empty --out");
        var command = new Command("merge", "Joins the shards of a sweep. Exit 0 merged, 1 a shard is incomplete or runs are missing (nothing written), 2 shards of different sweeps or not sweep directories")
        {
            dirs, outDir, force,
        };
        command.SetAction(p => MergeCommand.Execute(p.GetValue(dirs)!, p.GetValue(outDir)!, p.GetValue(force), commandLine,
            p.InvocationConfiguration.Output, p.InvocationConfiguration.Error));
        return command;
    }
}
