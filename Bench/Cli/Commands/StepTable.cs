using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using Spectre.Console;
using SpectreColumn = Spectre.Console.TableColumn;

namespace HmmEcs.Cli.Commands;

/// <summary>
/// The step summary as one table, which <c>hmmecs run</c> shows at the end of a run on a terminal. Its cells are
/// <see cref="StepSummary"/>'s parts, so the table and the plain lines that pipes read never disagree.
/// </summary>
internal static class StepTable
{
    /// <summary>The table: the machine's setup, then one row per step (repeat passes included).</summary>
    public static Table Build(MachineConfig machine, ScenarioResult result)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .AddColumn(new SpectreColumn("step").RightAligned())
            .AddColumn(new SpectreColumn("op"))
            .AddColumn(new SpectreColumn("result"))
            .AddColumn(new SpectreColumn("wall ms").RightAligned())
            .AddColumn(new SpectreColumn("error / misses"));
        table.AddRow(Cell(""), Cell("setup"), Cell(StepSummary.Machine(machine)), Cell(StepSummary.SetupMs(result.SetupMs)), Cell(""));
        foreach (var s in result.Steps)
        {
            var notes = StepSummary.Notes(s);
            table.AddRow(
                Cell(s.Label),
                Cell(s.Op),
                Cell(StepSummary.Numbers(s)),
                Cell(StepSummary.WallMs(s)),
                notes.Count == 0 ? Cell("") : new Text(string.Join('\n', notes), new Style(Color.Red)));
        }
        return table;
    }

    /// <summary>Writes the table to <paramref name="console"/>.</summary>
    public static void Write(IAnsiConsole console, MachineConfig machine, ScenarioResult result) =>
        console.Write(Build(machine, result));

    // Text, not Markup: op names and error text may hold '[' and must not be read as styles.
    private static Text Cell(string text) => new(text);
}
