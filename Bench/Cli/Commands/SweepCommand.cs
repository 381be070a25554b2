using System.Globalization;
using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Progress;
using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;
using HmmEcs.Systems.ScenarioLanguage;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Cli.Commands;

/// <summary>
/// <c>hmmecs sweep FILE --set PATH=V1,V2,… [--set …] --out DIR [--jobs N] [--shard I/N] [--engine E]</c>:
/// runs the cross product of the values (or one shard of it) in parallel and writes DIR/runs/*.json,
/// DIR/sweep.csv, DIR/sweep.parquet and DIR/sweep.json.
/// </summary>
internal static class SweepCommand
{
    private static readonly string[] Options = ["--set", "--out", "--jobs", "--shard", "--engine"];

    public static int Execute(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var o = OptionReader.Parse(args, Options, [], out var error);
        if (o is null)
        {
            return Bad(stderr, error!);
        }
        try
        {
            if (o.Positional.Count != 1)
            {
                return Bad(stderr, o.Positional.Count == 0 ? "a scenario FILE is required" : $"only one scenario file may be given (got {string.Join(", ", o.Positional)})");
            }
            var outDir = o.One("--out");
            if (outDir is null)
            {
                return Bad(stderr, "--out DIR is required");
            }
            var engine = o.One("--engine") ?? MachineFactory.Engines[0];
            if (!MachineFactory.Engines.Contains(engine))
            {
                return Bad(stderr, $"unknown engine '{engine}' (expected {string.Join(" or ", MachineFactory.Engines)})");
            }
            var jobs = Environment.ProcessorCount;
            if (o.One("--jobs") is { } j && (!int.TryParse(j, NumberStyles.None, CultureInfo.InvariantCulture, out jobs) || jobs < 1))
            {
                return Bad(stderr, $"--jobs '{j}': expected a positive integer");
            }
            var (shard, shards) = (0, 1);
            if (o.One("--shard") is { } s && !TryShard(s, out shard, out shards))
            {
                return Bad(stderr, $"--shard '{s}': expected I/N with 0 <= I < N");
            }
            var parameters = new List<SweepParameter>();
            foreach (var set in o.All("--set"))
            {
                parameters.Add(SweepParameter.Parse(set));
            }
            var file = o.Positional[0];
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                return Bad(stderr, $"cannot read {file}: {OneLine(e.Message)}");
            }
            SweepPlan plan;
            try
            {
                plan = SweepPlan.Create(text, Path.GetFileNameWithoutExtension(file), parameters);
            }
            catch (ScenarioException e)
            {
                return Bad(stderr, $"{file}: {e.Message}");
            }
            // Every run is validated (not only this shard's) so that all shards of one sweep agree on whether it is valid.
            var runs = new SweepRun?[plan.Count];
            var mine = new HashSet<int>(plan.ShardIds(shard, shards));
            for (var k = 0; k < plan.Count; k++)
            {
                var run = plan.Build(k);
                runs[k] = mine.Contains(k) ? run : null;
            }
            Directory.CreateDirectory(Path.Combine(outDir, SweepOutput.RunsFolder));
            return Run(plan, runs, mine.Order().ToArray(), file, engine, jobs, shard, shards, outDir, stdout, stderr);
        }
        catch (SweepException e)
        {
            return Bad(stderr, e.Message);
        }
        catch (ArgumentException e)
        {
            return Bad(stderr, e.Message);
        }
        catch (IOException e)
        {
            return Bad(stderr, $"cannot write the output: {OneLine(e.Message)}");
        }
    }

    private static int Run(SweepPlan plan, SweepRun?[] runs, int[] ids, string file, string engine, int jobs, int shard, int shards,
        string outDir, TextWriter stdout, TextWriter stderr)
    {
        var shardText = shards > 1 ? $"  shard {shard}/{shards}" : "";
        stdout.WriteLine($"sweep {file}  engine {engine}  {ids.Length} of {plan.Count} runs{shardText}  jobs {jobs}");
        var results = new ScenarioResult?[ids.Length];
        var failures = new string?[ids.Length];
        LiveProgress.Run(LiveProgress.IsInteractive(stdout, false), $"sweep {Path.GetFileName(file)}", ids.Length, stdout, sink =>
        {
            HmmecsCommand.WarmUp(engine);
            Parallel.For(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i =>
            {
                var run = runs[ids[i]]!;
                try
                {
                    var result = ScenarioRunner.Run(run.Scenario, engine);
                    results[i] = result;
                    var doc = result.ToJson();
                    doc["run"] = run.Id;
                    doc["parameters"] = Parameters(plan, run);
                    File.WriteAllText(Path.Combine(outDir, SweepOutput.RunsFolder, SweepOutput.RunFile(run.Id)), doc.ToJsonString() + Environment.NewLine);
                    sink.Line($"run {run.Id,5} {plan.Describe(run.ValueIndexes)}: {(result.Ok ? "ok" : "FAILED")}");
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failures[i] = $"run {run.Id} ({plan.Describe(run.ValueIndexes)}): internal error: {e.GetType().Name}: {OneLine(e.Message)}";
                    sink.Line(failures[i]!);
                }
                sink.Tick();
            });
            return 0;
        });
        var table = new ResultTable(MigrateRows.Columns(plan.Parameters));
        var ok = true;
        for (var i = 0; i < ids.Length; i++)
        {
            if (results[i] is not { } r)
            {
                ok = false;
                continue;
            }
            ok &= r.Ok;
            var run = runs[ids[i]]!;
            var cells = new object?[plan.Parameters.Count];
            for (var p = 0; p < cells.Length; p++)
            {
                cells[p] = plan.Parameters[p].Cell(run.ValueIndexes[p]);
            }
            MigrateRows.Append(table, run.Id, r, cells);
        }
        SweepOutput.WriteTable(outDir, table);
        SweepOutput.WriteManifest(outDir, Manifest(plan, file, engine, shard, shards, ids));
        foreach (var f in failures)
        {
            if (f is not null)
            {
                stderr.WriteLine($"hmmecs sweep: {f}");
            }
        }
        var failed = results.Count(r => r is { Ok: false }) + failures.Count(f => f is not null);
        stdout.WriteLine(ok
            ? $"OK: {ids.Length} runs, {table.Rows.Count} migrate rows -> {Path.Combine(outDir, SweepOutput.CsvName)}, {Path.Combine(outDir, SweepOutput.ParquetName)}"
            : $"FAILED: {failed} of {ids.Length} runs failed; {table.Rows.Count} migrate rows -> {Path.Combine(outDir, SweepOutput.CsvName)}, {Path.Combine(outDir, SweepOutput.ParquetName)}");
        return ok ? HmmecsCommand.Ok : HmmecsCommand.Failed;
    }

    private static JsonObject Parameters(SweepPlan plan, SweepRun run)
    {
        var o = new JsonObject();
        for (var p = 0; p < plan.Parameters.Count; p++)
        {
            o[plan.Parameters[p].Path] = plan.Parameters[p].Values[run.ValueIndexes[p]]?.DeepClone();
        }
        return o;
    }

    private static JsonObject Manifest(SweepPlan plan, string file, string engine, int shard, int shards, int[] ids)
    {
        var parameters = new JsonArray();
        foreach (var p in plan.Parameters)
        {
            var values = new JsonArray();
            foreach (var v in p.Values)
            {
                values.Add(v?.DeepClone());
            }
            parameters.Add((JsonNode)new JsonObject { ["path"] = p.Path, ["values"] = values });
        }
        var runIds = new JsonArray();
        foreach (var id in ids)
        {
            runIds.Add((JsonNode)JsonValue.Create(id));
        }
        return new JsonObject
        {
            ["file"] = file,
            ["engine"] = engine,
            ["parameters"] = parameters,
            ["runs"] = plan.Count,
            ["shard"] = $"{shard}/{shards}",
            ["runIds"] = runIds,
        };
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
        stderr.WriteLine($"hmmecs sweep: {message}");
        return HmmecsCommand.Invalid;
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
