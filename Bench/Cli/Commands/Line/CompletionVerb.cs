using System.CommandLine;

namespace HmmEcs.Cli.Commands.Line;

/// <summary>
/// <c>hmmecs completion bash|zsh</c>: a shell function that asks <c>hmmecs</c> itself for completions through
/// System.CommandLine's <c>[suggest:POSITION]</c> directive, so verbs, options and their values complete.
/// </summary>
internal static class CompletionVerb
{
    private const string Bash = """
        # hmmecs completion for bash: eval "$(hmmecs completion bash)"
        _hmmecs_complete() {
            local IFS=$'\n'
            COMPREPLY=( $(hmmecs "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null) )
        }
        complete -o default -F _hmmecs_complete hmmecs
        """;

    private const string Zsh = """
        # hmmecs completion for zsh: eval "$(hmmecs completion zsh)"
        _hmmecs_complete() {
            local -a completions
            completions=( ${(f)"$(hmmecs "[suggest:${#BUFFER}]" "$BUFFER" 2>/dev/null)"} )
            compadd -a completions
        }
        compdef _hmmecs_complete hmmecs
        """;

    public static Command Build()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Prints a shell function for tab completion: eval \"$(hmmecs completion bash)\"") { shell };
        command.SetAction(p =>
        {
            p.InvocationConfiguration.Output.WriteLine(p.GetValue(shell) == "zsh" ? Zsh : Bash);
            return HmmecsCommand.Ok;
        });
        return command;
    }
}
