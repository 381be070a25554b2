using System.CommandLine;

namespace HmmEcs.Cli.Commands.Line;

/// <summary><c>hmmecs help [COMMAND]</c>: the overview of every verb, as <c>hmmecs --help</c>; with a verb, that verb's <c>--help</c>.</summary>
internal static class HelpVerb
{
    public static Command Build()
    {
        var verb = new Argument<string?>("COMMAND") { Description = "A command whose options to show (as hmmecs COMMAND --help)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("help", "Shows the overview of every command, or with COMMAND that command's options (as hmmecs COMMAND --help)") { verb };
        command.SetAction(p =>
        {
            var name = p.GetValue(verb);
            if (name is null)
            {
                p.InvocationConfiguration.Output.WriteLine(HelpText.Usage);
                return HmmecsCommand.Ok;
            }
            var root = p.RootCommandResult.Command;
            var verbs = root.Subcommands.Select(c => c.Name).ToList();
            if (!verbs.Contains(name, StringComparer.Ordinal))
            {
                p.InvocationConfiguration.Error.WriteLine($"hmmecs help: no command '{name}'; the commands are {string.Join(", ", verbs)}");
                return HmmecsCommand.Invalid;
            }
            // The verb's own help, exactly as `hmmecs VERB --help` prints it.
            return root.Parse([name, "--help"]).Invoke(p.InvocationConfiguration);
        });
        return command;
    }
}
