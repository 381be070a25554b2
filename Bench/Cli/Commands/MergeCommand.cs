using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Cli.Commands;

/// <summary>
/// <c>hmmecs merge DIR1 DIR2 … --out DIR</c>: joins the tables of a sweep's shards (CSV and Parquet) in run
/// order, copies their run documents, and writes a manifest of the union. Exit 2 when the shards do not fit
/// together (different columns, a run in two shards, different sweeps).
/// </summary>
internal static class MergeCommand
{
    public static int Execute(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var o = OptionReader.Parse(args, ["--out"], [], out var error);
        if (o is null)
        {
            return Bad(stderr, error!);
        }
        try
        {
            var outDir = o.One("--out");
            if (outDir is null)
            {
                return Bad(stderr, "--out DIR is required");
            }
            if (o.Positional.Count == 0)
            {
                return Bad(stderr, "give at least one sweep directory to merge");
            }
            ResultTable? merged = null;
            var owner = new Dictionary<long, string>();
            JsonObject? firstManifest = null;
            var tables = new List<ResultTable>();
            foreach (var dir in o.Positional)
            {
                var table = SweepOutput.ReadTable(dir);
                var manifest = SweepOutput.ReadManifest(dir);
                if (manifest is not null)
                {
                    if (firstManifest is null)
                    {
                        firstManifest = manifest;
                    }
                    else if (!JsonNode.DeepEquals(firstManifest["parameters"], manifest["parameters"]) || firstManifest["file"]?.ToString() != manifest["file"]?.ToString())
                    {
                        return Bad(stderr, $"{dir}: a different sweep (file or parameters differ from {o.Positional[0]})");
                    }
                    foreach (var id in manifest["runIds"]?.AsArray() ?? [])
                    {
                        var run = id!.GetValue<long>();
                        if (!owner.TryAdd(run, dir))
                        {
                            return Bad(stderr, $"run {run} is in both {owner[run]} and {dir}");
                        }
                    }
                }
                merged ??= new ResultTable(table.Columns);
                if (!SameColumns(merged, table, out var why))
                {
                    return Bad(stderr, $"{dir}: {why}");
                }
                tables.Add(table);
            }
            var runColumn = merged!.IndexOf("run");
            var rows = new List<object?[]>();
            foreach (var t in tables)
            {
                rows.AddRange(t.Rows);
            }
            if (runColumn >= 0)
            {
                // A stable sort keeps each run's steps in their order.
                rows = [.. rows.OrderBy(r => (long)r[runColumn]!)];
            }
            foreach (var r in rows)
            {
                merged.Add(r);
            }
            Directory.CreateDirectory(Path.Combine(outDir, SweepOutput.RunsFolder));
            foreach (var dir in o.Positional)
            {
                var runs = Path.Combine(dir, SweepOutput.RunsFolder);
                if (Directory.Exists(runs))
                {
                    foreach (var f in Directory.EnumerateFiles(runs, "*.json"))
                    {
                        File.Copy(f, Path.Combine(outDir, SweepOutput.RunsFolder, Path.GetFileName(f)), true);
                    }
                }
            }
            SweepOutput.WriteTable(outDir, merged);
            var total = firstManifest?["runs"]?.GetValue<int>();
            if (firstManifest is not null)
            {
                var m = (JsonObject)firstManifest.DeepClone();
                var ids = new JsonArray();
                foreach (var id in owner.Keys.Order())
                {
                    ids.Add((JsonNode)JsonValue.Create(id));
                }
                m["runIds"] = ids;
                m["shard"] = "merged";
                SweepOutput.WriteManifest(outDir, m);
            }
            var missing = total is { } n ? Enumerable.Range(0, n).Where(k => !owner.ContainsKey(k)).ToList() : [];
            stdout.WriteLine($"merged {o.Positional.Count} directories: {owner.Count}{(total is { } t2 ? $" of {t2}" : "")} runs, {merged.Rows.Count} rows -> {Path.Combine(outDir, SweepOutput.CsvName)}, {Path.Combine(outDir, SweepOutput.ParquetName)}");
            if (missing.Count > 0)
            {
                stdout.WriteLine($"missing runs: {string.Join(", ", missing.Take(20))}{(missing.Count > 20 ? ", …" : "")}");
            }
            return HmmecsCommand.Ok;
        }
        catch (Exception e) when (e is SweepException or IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            return Bad(stderr, e.Message.ReplaceLineEndings(" "));
        }
    }

    private static bool SameColumns(ResultTable a, ResultTable b, out string why)
    {
        if (a.Columns.Count != b.Columns.Count)
        {
            why = $"{b.Columns.Count} columns, the first directory has {a.Columns.Count}";
            return false;
        }
        for (var c = 0; c < a.Columns.Count; c++)
        {
            if (a.Columns[c] != b.Columns[c])
            {
                why = $"column {c} is {b.Columns[c].Name} ({b.Columns[c].Kind}), the first directory has {a.Columns[c].Name} ({a.Columns[c].Kind})";
                return false;
            }
        }
        why = "";
        return true;
    }

    private static int Bad(TextWriter stderr, string message)
    {
        stderr.WriteLine($"hmmecs merge: {message}");
        return HmmecsCommand.Invalid;
    }
}
