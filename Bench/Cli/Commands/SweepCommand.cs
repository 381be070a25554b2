using System.Globalization;
using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Progress;
using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;
using HmmEcs.Systems.ScenarioLanguage;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Resources;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Cli.Commands;

/// <summary>The parsed options of <c>hmmecs sweep</c>; <paramref name="CommandLine"/> is the whole command line, the verb first (for provenance).</summary>
internal sealed record SweepOptions(string File, string Out, IReadOnlyList<string> Sets, string Engine, int? Jobs, string? Shard, int Repeat, int Warmup,
    bool Resume, bool Force, bool Strict, IReadOnlyList<string> CommandLine)
{
    /// <summary><c>--profile</c>: the same as <c>--set profile=P</c> (a one-value parameter, so the table has its column), or null.</summary>
    public string? Profile { get; init; }
}

/// <summary>
/// <c>hmmecs sweep FILE --set PATH=V1,V2,… [--set …] --out DIR [--jobs N] [--shard I/N] [--engine E] [--resume | --force] [--strict]</c>:
/// runs the cross product of the values (or one shard of it) in parallel and writes DIR/runs/*.json,
/// DIR/sweep.csv, DIR/sweep.parquet and DIR/sweep.json. The manifest is written before the first run and each run's
/// document as it finishes (atomically), so an interrupted sweep (SIGINT, SIGTERM: exit 130 after writing the tables
/// of the runs done; SIGKILL) loses at most its runs in flight, and <c>--resume</c> runs only what is missing.
/// A sweep is an experiment: a run whose <c>expect</c> misses is recorded (table columns, its document) and fails
/// the sweep only with <c>--strict</c>.
/// </summary>
internal static class SweepCommand
{
    /// <summary>The exit code of a sweep stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>Runs a sweep with its parsed options (<see cref="Line.SweepVerb"/> parses them).</summary>
    public static int Execute(SweepOptions o, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var (outDir, engine, jobsGiven, repeat, warmup, resume, force) = (o.Out, o.Engine, o.Jobs, o.Repeat, o.Warmup, o.Resume, o.Force);
            var (shard, shards) = (0, 1);
            if (o.Shard is { } s && !TryShard(s, out shard, out shards))
            {
                return Bad(stderr, $"--shard '{s}': expected I/N with 0 <= I < N");
            }
            if (resume && force)
            {
                return Bad(stderr, "--resume and --force exclude each other (finish this sweep, or start it over)");
            }
            var parameters = new List<SweepParameter>();
            foreach (var set in o.Sets)
            {
                parameters.Add(SweepParameter.Parse(set));
            }
            if (o.Profile is { } profile)
            {
                if (parameters.Exists(p => p.Path == "profile"))
                {
                    return Bad(stderr, "--profile and --set profile=… both set the profile: give one");
                }
                parameters.Add(SweepParameter.Parse($"profile={profile}"));
            }
            var file = o.File;
            byte[] bytes;
            string text;
            try
            {
                bytes = ScenarioLoader.ReadBytes(file);
                text = ScenarioText.Decode(bytes);
            }
            catch (ScenarioException e)
            {
                return Bad(stderr, e.Path.Length == 0 ? e.Message : $"{file}: {e.Message}");
            }
            SweepPlan plan;
            try
            {
                plan = SweepPlan.Create(text, Path.GetFileNameWithoutExtension(file), parameters, file == "-" ? null : Path.GetDirectoryName(Path.GetFullPath(file)));
            }
            catch (ScenarioException e)
            {
                return Bad(stderr, $"{file}: {e.Message}");
            }
            // Every run is validated (not only this shard's) so that all shards of one sweep agree on whether it is valid.
            var runs = new SweepRun?[plan.Count];
            var mine = new HashSet<int>(plan.ShardIds(shard, shards));
            var scenarios = new List<Scenario>(plan.Count);
            for (var k = 0; k < plan.Count; k++)
            {
                var run = plan.Build(k);
                runs[k] = mine.Contains(k) ? run : null;
                scenarios.Add(run.Scenario);
            }
            // The columns come from every run of the sweep, so that all shards write the same table shape.
            var rows = StepRows.For(plan.Parameters, scenarios);
            long need = 0;
            foreach (var sc in scenarios)
            {
                need = Math.Max(need, MemoryEstimate.Bytes(sc, engine));
            }
            var available = AvailableMemory.Bytes();
            if (need > available)
            {
                return Bad(stderr, $"{file}: one run needs about {MemoryEstimate.Describe(need)} (estimated from the file) and {MemoryEstimate.Describe(available)} are available; nothing ran");
            }
            var (jobs, memory) = Jobs(jobsGiven, need, available, Environment.ProcessorCount);
            stdout.WriteLine(memory);
            var ids = mine.Order().ToArray();
            var manifest = new SweepManifest(file, Provenance.Sha256(bytes), engine, plan, $"{shard}/{shards}", ids, repeat, warmup);
            var done = SweepDirectory.Prepare(outDir, manifest, resume, force);
            return Run(new SweepJob(plan, runs, rows, ids, manifest, done, jobs, outDir, o.CommandLine, o.Strict), stdout, stderr);
        }
        catch (SweepException e)
        {
            return Bad(stderr, e.Message);
        }
        catch (ArgumentException e)
        {
            return Bad(stderr, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Bad(stderr, $"cannot write the output: {OneLine(e.Message)}");
        }
    }

    /// <summary>What one sweep invocation runs: the plan, this shard's runs, the runs a resume found done, where it writes.</summary>
    private sealed record SweepJob(SweepPlan Plan, SweepRun?[] Runs, StepRows Rows, int[] Ids, SweepManifest Manifest, Dictionary<SweepItem, JsonObject> Done,
        int Jobs, string OutDir, IReadOnlyList<string> CommandLine, bool Strict);

    private static int Run(SweepJob job, TextWriter stdout, TextWriter stderr)
    {
        var (plan, manifest, outDir) = (job.Plan, job.Manifest, job.OutDir);
        var started = DateTime.UtcNow;
        var items = manifest.Items.ToArray();
        var shardText = manifest.Shard != "0/1" ? $"  shard {manifest.Shard}" : "";
        var repeatText = manifest.Repeat > 1 ? $" × {manifest.Repeat}" : "";
        var resumed = job.Done.Count > 0 ? $"  ({job.Done.Count} done before, resuming)" : "";
        stdout.WriteLine($"sweep {manifest.File}  engine {manifest.Engine}  {job.Ids.Length} of {plan.Count} runs{repeatText}{shardText}  jobs {job.Jobs}  warm-up {manifest.Warmup}{resumed}");
        Directory.CreateDirectory(outDir);
        SweepOutput.WriteManifest(outDir, (manifest with { Done = job.Done.Count }).ToJson(Provenance.Of(manifest.ScenarioSha256, job.CommandLine, started, null)));
        // After the manifest: a folder with run documents always says which sweep they belong to.
        SweepOutput.MakeRunsFolder(outDir);
        var todo = items.Where(item => !job.Done.ContainsKey(item)).ToArray();
        var execution = new SweepExecution(manifest, plan, job.Runs, outDir, job.CommandLine);
        using var stop = new StopSignal();
        var (fresh, failures) = LiveProgress.Run(LiveProgress.IsInteractive(stdout, false), $"sweep {Path.GetFileName(manifest.File)}", todo.Length, stdout, sink =>
        {
            HmmecsCommand.WarmUp(manifest.Engine);
            return execution.Run(todo, job.Jobs, manifest.Warmup, stop, sink,
                (item, result) => $"run {item.Run,5}{execution.Rep(item)} {plan.Describe(job.Runs[item.Run]!.ValueIndexes)}: {Outcome(result, job.Strict)}");
        });
        var docs = new Dictionary<SweepItem, JsonObject>(job.Done);
        for (var k = 0; k < todo.Length; k++)
        {
            if (fresh[k] is { } doc)
            {
                docs[todo[k]] = doc;
            }
        }
        var table = new ResultTable(job.Rows.Columns);
        var (missed, broken) = (0, 0);
        foreach (var item in items)
        {
            if (!docs.TryGetValue(item, out var doc))
            {
                continue;
            }
            missed += doc["ok"]!.GetValue<bool>() ? 0 : 1;
            broken += Violations(doc) > 0 ? 1 : 0;
            var run = job.Runs[item.Run]!;
            var cells = new object?[plan.Parameters.Count];
            for (var p = 0; p < cells.Length; p++)
            {
                cells[p] = plan.Parameters[p].Cell(run.ValueIndexes[p]);
            }
            job.Rows.Append(table, item.Run, doc, cells);
        }
        SweepOutput.WriteTable(outDir, table);
        var held = docs.Count;
        SweepOutput.WriteManifest(outDir, (manifest with { Done = held, Complete = held == items.Length })
            .ToJson(Provenance.Of(manifest.ScenarioSha256, job.CommandLine, started, DateTime.UtcNow)));
        var errors = failures.Count(f => f is not null);
        foreach (var f in failures)
        {
            if (f is not null)
            {
                stderr.WriteLine($"hmmecs sweep: {TerminalText.Escape(f)}");
            }
        }
        var where = $"{table.Rows.Count} rows -> {Path.Combine(outDir, SweepOutput.CsvName)}, {Path.Combine(outDir, SweepOutput.ParquetName)}";
        if (stop.Requested && held < items.Length)
        {
            stdout.WriteLine($"INTERRUPTED: {held} of {items.Length} runs done; {where}; finish with the same command and --resume");
            return Interrupted;
        }
        var misses = missed == 0 ? "" : job.Strict ? $"{missed} missed an expectation" : $"{missed} missed an expectation (recorded; --strict fails on it)";
        // A broken invariant is a simulator fault, not an outcome: it fails the sweep with or without --strict.
        if (errors > 0 || broken > 0 || (job.Strict && missed > 0))
        {
            var parts = new[] { errors > 0 ? $"{errors} failed internally" : "", broken > 0 ? $"{broken} broke an invariant" : "", misses }.Where(p => p.Length > 0);
            stdout.WriteLine($"FAILED: {string.Join(", ", parts)} of {items.Length} runs; {where}");
            return HmmecsCommand.Failed;
        }
        stdout.WriteLine($"OK: {items.Length} runs{(misses.Length > 0 ? $", {misses}" : "")}, {where}");
        return HmmecsCommand.Ok;
    }

    /// <summary>
    /// The number of runs at a time: <c>--jobs</c>, or the core count capped so that that many of the largest run fit in
    /// the memory available (a sweep of 10M-page runs on a many-core node must not start one per core). Gives the line
    /// that says how it was chosen.
    /// </summary>
    internal static (int Jobs, string Line) Jobs(int? given, long need, long available, int cores)
    {
        var fit = (int)Math.Clamp(available / 10 * 9 / Math.Max(need, 1), 1, int.MaxValue);
        var jobs = given ?? Math.Min(cores, fit);
        var memory = $"one run needs about {MemoryEstimate.Describe(need)} of {MemoryEstimate.Describe(available)} available";
        var line = given is not null
            ? $"jobs {jobs} (--jobs): {memory}{(jobs > fit ? $"; WARNING: {jobs} at a time may not fit, {fit} would" : "")}"
            : $"jobs {jobs}: {cores} cores, {memory}{(fit < cores ? $", so {fit} at a time" : "")}";
        return (jobs, line);
    }

    /// <summary>Invariant violations a run document reports: the checker's after steps, and <c>check</c> steps' own.</summary>
    private static long Violations(JsonObject doc)
    {
        long n = 0;
        foreach (var step in doc["steps"]!.AsArray())
        {
            n += step!["invariants"]?["violations"]?.GetValue<long>() ?? 0;
            n += step["op"]!.GetValue<string>() == "check" ? step["violations"]?.GetValue<long>() ?? 0 : 0;
        }
        return n;
    }

    private static string Outcome(ScenarioResult result, bool strict)
    {
        if (result.Ok)
        {
            return "ok";
        }
        var misses = result.Steps.Sum(s => s.ExpectFailures.Count);
        var violations = result.Steps.Sum(s => s.Violations);
        return violations > 0 || strict ? "FAILED" : $"{misses} expectation{(misses == 1 ? "" : "s")} missed (recorded)";
    }

    /// <summary>Parses <c>I/N</c> with 0 &lt;= I &lt; N.</summary>
    internal static bool TryShard(string s, out int shard, out int shards)
    {
        shard = shards = 0;
        var slash = s.IndexOf('/');
        return slash > 0
            && int.TryParse(s.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out shard)
            && int.TryParse(s.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out shards)
            && shards >= 1 && shard < shards;
    }

    private static int Bad(TextWriter stderr, string message)
    {
        stderr.WriteLine($"hmmecs sweep: {TerminalText.Escape(message)}");
        return HmmecsCommand.Invalid;
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
