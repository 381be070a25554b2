using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Cli.Commands.Line;

/// <summary>
/// The command line of <c>hmmecs</c> on System.CommandLine: a verb per command with typed options, per-verb
/// <c>--help</c>, <c>--version</c>, and completions through the <c>[suggest]</c> directive (see <c>hmmecs completion</c>).
/// Usage errors print as <c>hmmecs VERB: --option: message</c> and exit 2, as they always have here.
/// </summary>
internal static class HmmecsCli
{
    /// <summary>Parses and runs <paramref name="args"/>; output goes to the given writers.</summary>
    public static int Execute(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, Func<string, MachineConfig, IMachine> createMachine)
    {
        var root = Build(args, createMachine);
        // No response files: a scenario path may start with '@'.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction and not UsageAction && parsed.Action is ParseErrorAction or null)
        {
            var verb = parsed.CommandResult.Command is RootCommand ? "hmmecs" : $"hmmecs {parsed.CommandResult.Command.Name}";
            // One line per error, the last with the pointer to the verb's help.
            for (var k = 0; k < parsed.Errors.Count; k++)
            {
                var error = parsed.Errors[k];
                var message = string.Join(' ', error.Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                var where = error.SymbolResult is OptionResult o && !message.Contains(o.Option.Name, StringComparison.Ordinal) ? $"{o.Option.Name}: " : "";
                stderr.WriteLine($"{verb}: {where}{message}{(k == parsed.Errors.Count - 1 ? $" (see {verb} --help)" : "")}");
            }
            return HmmecsCommand.Invalid;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
    }

    private static RootCommand Build(IReadOnlyList<string> args, Func<string, MachineConfig, IMachine> createMachine)
    {
        var root = new RootCommand("hmmecs: simulates Linux HMM device-memory migration (hmm_vma_migrate, 2016)")
        {
            RunVerb.Build(createMachine),
            SweepVerb.Build(args),
            MergeVerb.Build(args),
            PlotVerb.Build(),
            SchemaVerb.Build(),
            CompletionVerb.Build(),
            HelpVerb.Build(),
        };
        foreach (var option in root.Options)
        {
            if (option is HelpOption help)
            {
                help.Action = new UsageAction((HelpAction)help.Action!);
            }
        }
        // `hmmecs` alone prints the overview, as `hmmecs help` does.
        root.SetAction(p =>
        {
            p.InvocationConfiguration.Output.WriteLine(HelpText.Usage);
            return HmmecsCommand.Ok;
        });
        return root;
    }

    /// <summary>The top level's help is the curated overview (<see cref="HelpText"/>); a verb's is System.CommandLine's own.</summary>
    internal sealed class UsageAction(HelpAction generated) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            if (parseResult.CommandResult.Command is RootCommand)
            {
                parseResult.InvocationConfiguration.Output.WriteLine(HelpText.Usage);
                return HmmecsCommand.Ok;
            }
            return generated.Invoke(parseResult);
        }
    }
}
