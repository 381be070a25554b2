using System.CommandLine;

namespace HmmEcs.Cli.Commands.Line;

/// <summary><c>hmmecs plot TABLE --x COL --y COL [--group COL] [--where COL=V]… [--title T] --out F.png</c>.</summary>
internal static class PlotVerb
{
    public static Command Build(IReadOnlyList<string> commandLine)
    {
        var table = new Argument<string>("TABLE") { Description = "A sweep table, .csv or .parquet" };
        var x = CliOptions.Text("--x", "COL", "The column on the x axis", required: true);
        var y = CliOptions.Text("--y", "COL", "The column on the y axis", required: true);
        var group = CliOptions.Text("--group", "COL", "One series per value of this column");
        var where = new Option<string[]>("--where") { Description = "Keep only the rows whose column equals the value (op=migrate); repeatable", HelpName = "COL=VALUE" };
        var title = CliOptions.Text("--title", "T", "The picture's title");
        var outFile = CliOptions.Text("--out", "F.png", "The PNG to write", required: true);
        var command = new Command("plot", "Plots one column of a sweep table against another (PNG)")
        {
            table, x, y, group, where, title, outFile,
        };
        // The plot command keeps its own option handling for now; it reads the same tokens System.CommandLine checked.
        command.SetAction(p => PlotCommand.Execute([.. commandLine.Skip(1)], p.InvocationConfiguration.Output, p.InvocationConfiguration.Error));
        return command;
    }
}
