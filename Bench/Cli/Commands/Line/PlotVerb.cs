using System.CommandLine;

namespace HmmEcs.Cli.Commands.Line;

/// <summary><c>hmmecs plot TABLE --x COL --y COL [--group COL] [--where COL=V]… [--bars B] [--logx] [--logy] [--title T] --out F.png</c>.</summary>
internal static class PlotVerb
{
    public static Command Build()
    {
        var table = new Argument<string>("TABLE") { Description = "A sweep table, .csv or .parquet" };
        var x = CliOptions.Text("--x", "COL", "The column on the x axis", required: true);
        var y = CliOptions.Text("--y", "COL", "The column on the y axis", required: true);
        var group = CliOptions.Text("--group", "COL", "One series per value of this column");
        var where = new Option<string[]>("--where") { Description = "Keep only the rows whose column equals the value (op=migrate); repeatable", HelpName = "COL=VALUE" };
        var bars = new Option<string?>("--bars") { Description = "Rows at equal x become their mean with a bar: minmax (default), ci95 (95% interval of the mean) or none", HelpName = "minmax|ci95|none" };
        bars.AcceptOnlyFromAmong("minmax", "ci95", "none");
        var logX = CliOptions.Flag("--logx", "A log-10 x axis (every x must be positive)");
        var logY = CliOptions.Flag("--logy", "A log-10 y axis (every y must be positive)");
        var title = CliOptions.Text("--title", "T", "The picture's title");
        var outFile = CliOptions.Text("--out", "F.png", "The PNG to write", required: true);
        var command = new Command("plot", "Plots one column of a sweep table against another (PNG); rows at equal x are aggregated")
        {
            table, x, y, group, where, bars, logX, logY, title, outFile,
        };
        command.SetAction(p => PlotCommand.Execute(
            new PlotOptionsGiven(p.GetValue(table)!, p.GetValue(x)!, p.GetValue(y)!, p.GetValue(group), p.GetValue(where) ?? [], p.GetValue(title), p.GetValue(outFile)!,
                p.GetValue(bars), p.GetValue(logX), p.GetValue(logY)),
            p.InvocationConfiguration.Output, p.InvocationConfiguration.Error));
        return command;
    }
}
