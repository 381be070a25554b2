using System.CommandLine;

namespace HmmEcs.Cli.Commands.Line;

/// <summary><c>hmmecs help</c>: the overview of every verb, as <c>hmmecs --help</c>.</summary>
internal static class HelpVerb
{
    public static Command Build()
    {
        var command = new Command("help", "Shows the overview of every command (hmmecs VERB --help shows one verb's options)");
        command.SetAction(p =>
        {
            p.InvocationConfiguration.Output.WriteLine(HelpText.Usage);
            return HmmecsCommand.Ok;
        });
        return command;
    }
}
