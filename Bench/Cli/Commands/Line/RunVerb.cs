using System.CommandLine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Cli.Commands.Line;

/// <summary><c>hmmecs run [FILE] [--json OUT|-] [--engine E] [--profile P] [--check] [--report DIR] [--trace F]</c>.</summary>
internal static class RunVerb
{
    public static Command Build(Func<string, MachineConfig, IMachine> createMachine)
    {
        var file = new Argument<string?>("FILE") { Description = "A scenario file (docs/scenarios.md); without it, the built-in quickstart", Arity = ArgumentArity.ZeroOrOne };
        var json = CliOptions.Text("--json", "OUT|-", "Also write the result document to OUT; '-' writes it to stdout (the summary then goes to stderr)");
        var engine = CliOptions.Engine();
        var profile = CliOptions.Profile();
        var check = CliOptions.Flag("--check", "Run the invariant checker after every step");
        var report = CliOptions.Text("--report", "DIR", "Write PNG charts of every migrate step and DIR/index.md");
        var trace = CliOptions.Text("--trace", "F", "Write a Chrome trace-event JSON (Perfetto, chrome://tracing)");
        var command = new Command("run", "Runs a scenario. Exit 0 every expectation held, 1 an expectation failed or an invariant broke, 2 the file, the command line or an output is invalid")
        {
            file, json, engine, profile, check, report, trace,
        };
        command.SetAction(p => HmmecsCommand.Run(
            new RunArguments(p.GetValue(file), p.GetValue(json), p.GetValue(engine)!, p.GetValue(check)) { ReportDir = p.GetValue(report), TraceFile = p.GetValue(trace), Profile = p.GetValue(profile) },
            p.InvocationConfiguration.Output, p.InvocationConfiguration.Error, createMachine));
        return command;
    }
}
