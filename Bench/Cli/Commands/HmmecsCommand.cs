using System.Diagnostics;
using HmmEcs.Cli.Experiments.Output;
using HmmEcs.Cli.Experiments.Plots;
using HmmEcs.Cli.Experiments.Progress;
using HmmEcs.Cli.Experiments.Trace;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Resources;
using HmmEcs.Systems.ScenarioLanguage.Running;
using Spectre.Console;

namespace HmmEcs.Cli.Commands;

/// <summary>
/// <c>hmmecs run</c> and <c>hmmecs help</c> (and the other verbs' dispatch), with stdout and stderr injectable so tests can call it in-process.
/// Exit codes: 0 every expectation held, 1 an expectation failed or an invariant broke (or an internal
/// error), 2 the file or the command line is invalid. Errors are one line on stderr, never a stack trace.
/// </summary>
public static class HmmecsCommand
{
    /// <summary>Exit code: every expectation held.</summary>
    public const int Ok = 0;

    /// <summary>Exit code: an expectation failed, an invariant broke, or the simulator failed internally.</summary>
    public const int Failed = 1;

    /// <summary>Exit code: the file or the command line is invalid; nothing ran.</summary>
    public const int Invalid = 2;

    /// <summary>Runs <c>hmmecs ARGS</c> (the verb first).</summary>
    public static int Execute(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr) =>
        Execute(args, stdout, stderr, MachineFactory.Create);

    /// <summary>As <see cref="Execute(IReadOnlyList{string}, TextWriter, TextWriter)"/>, with the machines built by <paramref name="createMachine"/> (tests pass a fake).</summary>
    internal static int Execute(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, Func<string, MachineConfig, IMachine> createMachine) =>
        Line.HmmecsCli.Execute(args, stdout, stderr, createMachine);

    /// <summary><c>hmmecs run</c> with its parsed arguments: exit 0 every expectation held, 1 a miss or a failure, 2 a bad file or output.</summary>
    internal static int Run(RunArguments parsed, TextWriter stdout, TextWriter stderr, Func<string, MachineConfig, IMachine> createMachine)
    {
        try
        {
            return RunScenario(parsed, stdout, stderr, createMachine);
        }
        catch (ScenarioException e)
        {
            stderr.WriteLine($"hmmecs run: {parsed.File ?? Quickstart.FileName}: {TerminalText.Escape(e.Message)}");
            return Invalid;
        }
        catch (Exception e)
        {
            // Exit 1, not 2: the file was valid and the simulator itself failed.
            stderr.WriteLine($"hmmecs run: internal error: {e.GetType().Name}: {TerminalText.Escape(OneLine(e.Message))}");
            return Failed;
        }
    }

    private static int RunScenario(RunArguments a, TextWriter stdout, TextWriter stderr, Func<string, MachineConfig, IMachine> createMachine)
    {
        SemanticsProfile? profile = a.Profile is { } p && SemanticsProfiles.TryParse(p, out var named) ? named : null;
        var scenario = a.File is null
            ? ScenarioLoader.Parse(Quickstart.Json, Quickstart.FileName, profile)
            : ScenarioLoader.LoadFile(a.File, profile);
        // Refused before anything is allocated: a machine that does not fit would end in an out-of-memory kill.
        var need = MemoryEstimate.Bytes(scenario, a.Engine);
        var available = AvailableMemory.Bytes();
        if (need > available)
        {
            stderr.WriteLine($"hmmecs run: {a.File ?? Quickstart.FileName}: the run needs about {MemoryEstimate.Describe(need)} (estimated from the file) and {MemoryEstimate.Describe(available)} are available; nothing ran");
            return Invalid;
        }
        // A document to stdout (`-`, /dev/stdout, …) moves the summary to stderr, so stdout holds the document alone.
        var documentToStdout = NamedOutput.StandardStream(a.JsonOut) == 1 || NamedOutput.StandardStream(a.TraceFile) == 1;
        // Every output is checked before the machine is built: a long run must not end in "cannot write".
        var problem = OutputClash(a)
            ?? (a.JsonOut is { } j ? NamedOutput.Problem(j) : null)
            ?? (a.TraceFile is { } t ? NamedOutput.Problem(t) : null)
            ?? (a.ReportDir is { } r ? OutputPaths.DirectoryProblem(r) : null);
        if (problem is not null)
        {
            stderr.WriteLine($"hmmecs run: {problem}");
            return Invalid;
        }
        var summary = documentToStdout ? stderr : stdout;
        summary.WriteLine($"scenario {TerminalText.Escape(scenario.Name)}  engine {a.Engine}  profile {SemanticsProfiles.Name(scenario.Machine.Profile)}  seed {scenario.Seed}  payload {scenario.PayloadName}{(a.Check ? "  checking every step" : "")}");
        RunCapture? capture = null;
        WarmUp(a.Engine);
        var interactive = LiveProgress.IsInteractive(summary, documentToStdout);
        // The machine is built inside the progress display: at 10^7 pages the build takes seconds, and a terminal shows it.
        var result = LiveProgress.Run(interactive, $"run {TerminalText.Escape(scenario.Name)}", (int)Math.Min(ScenarioSize.Executed(scenario.Steps) + 1, int.MaxValue), summary, sink =>
        {
            var start = Stopwatch.GetTimestamp();
            using var machine = createMachine(a.Engine, scenario.Machine);
            var setupMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            // On a terminal the bar shows the progress and the table at the end the steps; the lines are for pipes.
            if (!interactive)
            {
                sink.Line(StepSummary.Setup(scenario.Machine, setupMs));
            }
            sink.Tick();
            IMachine runOn = machine;
            if (a.ReportDir is not null || a.TraceFile is not null)
            {
                var recording = new RecordingMachine(machine);
                capture = new RunCapture(recording);
                runOn = recording;
            }
            return ScenarioRunner.Run(scenario, runOn, a.Check, s =>
            {
                capture?.OnStep(s);
                if (!interactive)
                {
                    sink.Line(StepSummary.Line(s));
                }
                sink.Tick();
            }, setupMs);
        });
        if (interactive)
        {
            StepTable.Write(AnsiConsole.Console, scenario.Machine, result);
        }
        if (a.JsonOut is { } outPath)
        {
            if (!TryWrite(outPath, result.ToJsonString(), stdout, stderr))
            {
                return Invalid;
            }
        }
        // The result document first: pictures that fail to render must not cost the result.
        if (capture is not null && !WriteExtras(a, capture, result, summary, stdout, stderr))
        {
            return Invalid;
        }
        var misses = result.Steps.Sum(s => s.ExpectFailures.Count);
        var violations = result.Steps.Sum(s => s.Violations);
        summary.WriteLine(result.Ok
            ? $"OK: {TerminalText.Escape(scenario.Name)} on {result.Engine}, {result.Steps.Count} steps, every expectation held"
            : $"FAILED: {TerminalText.Escape(scenario.Name)} on {result.Engine}, {misses} expectation misses, {violations} invariant violations");
        return result.Ok ? Ok : Failed;
    }

    /// <summary>Why the outputs named would overwrite each other or the scenario itself, or null.</summary>
    private static string? OutputClash(RunArguments a)
    {
        if (a.JsonOut is { } json && a.TraceFile is { } trace && NamedOutput.SameFile(json, trace))
        {
            return $"--json {json} and --trace {trace} are one file: the trace would overwrite the result";
        }
        if (a.File is { } scenario && scenario != "-")
        {
            foreach (var (option, path) in new[] { ("--json", a.JsonOut), ("--trace", a.TraceFile) })
            {
                if (path is not null && NamedOutput.SameFile(path, scenario))
                {
                    return $"{option} {path} is the scenario file itself: the run would overwrite it";
                }
            }
        }
        return null;
    }

    private static bool WriteExtras(RunArguments a, RunCapture capture, ScenarioResult result, TextWriter summary, TextWriter stdout, TextWriter stderr)
    {
        var target = "";
        try
        {
            if (a.TraceFile is { } trace)
            {
                if (!TryWrite(trace, ChromeTrace.Text(capture, result), stdout, stderr))
                {
                    return false;
                }
                summary.WriteLine($"trace: {trace} (open in https://ui.perfetto.dev or chrome://tracing)");
            }
            if (a.ReportDir is { } dir)
            {
                target = dir;
                if (PlotFonts.Warning is { } warning)
                {
                    stderr.WriteLine($"hmmecs run: warning: {warning}");
                }
                var files = RunReport.Write(capture, result, dir);
                summary.WriteLine($"report: {Path.Combine(dir, RunReport.IndexName)} ({files.Count - 1} pictures)");
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"hmmecs run: cannot write {target}: {IoReason(e, target)}");
            return false;
        }
    }

    /// <summary>
    /// Compiles the ECS engine's migration paths before the run, so a step's wall time measures the pipeline and not
    /// the JIT (about 0.1 s, once per process). The reference engine is plain code the JIT compiles in passing.
    /// </summary>
    internal static void WarmUp(string engine)
    {
        if (engine == "ecs")
        {
            EcsMachine.WarmUp();
        }
    }

    /// <summary>
    /// Writes a document to <paramref name="path"/>: through the writers held for the process's stdout and stderr when it
    /// names one of them (reopened, a redirected file would lose the lines already written), else as a named output.
    /// </summary>
    private static bool TryWrite(string path, string text, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            switch (NamedOutput.StandardStream(path))
            {
                case 1:
                    stdout.WriteLine(text);
                    break;
                case 2:
                    stderr.WriteLine(text);
                    break;
                default:
                    NamedOutput.WriteAllText(path, text + Environment.NewLine);
                    break;
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"hmmecs run: cannot write {path}: {IoReason(e, path)}");
            return false;
        }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    /// <summary>Why a write failed, in one line, without the path .NET appends (the message names it already).</summary>
    private static string IoReason(Exception e, string path) =>
        OneLine(e.Message).Replace($" : '{path}'", "", StringComparison.Ordinal).Replace($" : '{Path.GetFullPath(path)}'", "", StringComparison.Ordinal);
}
