using System.CommandLine;

namespace HmmEcs.Cli.Commands.Line;

/// <summary><c>hmmecs sweep FILE --set PATH=VALUES … --out DIR [options]</c>.</summary>
internal static class SweepVerb
{
    public static Command Build(IReadOnlyList<string> commandLine)
    {
        var file = new Argument<string>("FILE") { Description = "The scenario file to sweep (docs/scenarios.md)" };
        var set = new Option<string[]>("--set")
        {
            Description = "PATH=V1,V2,… or PATH=A..B: a JSON path into the scenario (seed, devices[0].maxBatchPages, steps[mig].to) and its values; repeat for a cross product",
            HelpName = "PATH=VALUES",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var outDir = CliOptions.Text("--out", "DIR", "Where the manifest, run documents and tables go", required: true);
        var jobs = CliOptions.Count("--jobs", "Runs at a time (default: the cores, capped by the memory one run needs)", 1, int.MaxValue);
        var shard = CliOptions.Text("--shard", "I/N", "Run only the runs k with k mod N = I (0 <= I < N), for a cluster job array");
        var engine = CliOptions.Engine();
        var profile = CliOptions.Profile();
        var repeat = CliOptions.Count("--repeat", "Run and record every run N times (column repetition; default 1)", 1, 1000);
        var warmup = CliOptions.Count("--warmup", "Unrecorded runs each worker makes before its first (default 1)", 0, 1000);
        var resume = CliOptions.Flag("--resume", "Finish the sweep DIR holds: run only what is missing");
        var force = CliOptions.Flag("--force", "DIR is used (another sweep, other files): replace its sweep files");
        var strict = CliOptions.Flag("--strict", "A missed expectation fails the sweep (else it is recorded)");
        var command = new Command("sweep", "Runs a scenario over the cross product of parameter values, in parallel; tables as CSV and Parquet. "
            + "Exit 0 all runs done, 1 a run failed internally or broke an invariant (or missed an expectation with --strict), 2 bad command line, file or --out, 130 interrupted")
        {
            file, set, outDir, jobs, shard, engine, profile, repeat, warmup, resume, force, strict,
        };
        command.SetAction(p => SweepCommand.Execute(
            new SweepOptions(p.GetValue(file)!, p.GetValue(outDir)!, p.GetValue(set) ?? [], p.GetValue(engine)!, p.GetValue(jobs), p.GetValue(shard),
                p.GetValue(repeat) ?? 1, p.GetValue(warmup) ?? 1, p.GetValue(resume), p.GetValue(force), p.GetValue(strict), commandLine) { Profile = p.GetValue(profile) },
            p.InvocationConfiguration.Output, p.InvocationConfiguration.Error));
        return command;
    }
}
