using HmmEcs.Cli.Experiments.Sweeps;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Cli.Commands;

/// <summary>
/// <c>hmmecs merge DIR1 DIR2 … --out DIR [--force]</c>: joins the tables of a sweep's shards (CSV and Parquet) in run
/// order, copies their run documents, and writes a manifest of the union. Only what a shard's manifest lists is read:
/// a stale file in a shard directory never reaches the merge. Exit 2 when the shards do not fit together (different
/// sweeps by plan hash, different columns, a run in two shards, a directory that is no sweep); exit 1, writing nothing,
/// when a shard is incomplete or runs of the sweep are missing.
/// </summary>
internal static class MergeCommand
{
    /// <summary>Merges <paramref name="dirs"/> into <paramref name="outDir"/>; <paramref name="commandLine"/> (the verb first) goes into the manifest's provenance.</summary>
    public static int Execute(IReadOnlyList<string> dirs, string outDir, bool force, IReadOnlyList<string> commandLine, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any() && !force)
            {
                return Bad(stderr, $"--out {outDir} is not empty: choose an empty directory, or --force to replace its sweep files");
            }
            var started = DateTime.UtcNow;
            ResultTable? merged = null;
            SweepManifest? first = null;
            var owner = new Dictionary<int, string>();
            var rows = new List<object?[]>();
            var incomplete = new List<string>();
            foreach (var dir in dirs)
            {
                var manifest = SweepManifest.TryRead(Path.Combine(dir, SweepOutput.ManifestName))
                    ?? throw new SweepException($"{dir}: no readable sweep manifest ({SweepOutput.ManifestName} missing, damaged, or of another hmmecs): not a sweep output directory");
                first ??= manifest;
                if (manifest.Plan != first.Plan)
                {
                    return Bad(stderr, $"{dir}: a different sweep from {dirs[0]} (another scenario file, engine or parameters: plan {manifest.Plan[..12]} against {first.Plan[..12]})");
                }
                if (!manifest.Complete)
                {
                    incomplete.Add($"{dir} ({manifest.Done} of {manifest.Items.Count()} runs)");
                }
                foreach (var run in manifest.RunIds)
                {
                    if (!owner.TryAdd(run, dir))
                    {
                        return Bad(stderr, $"run {run} is in both {owner[run]} and {dir}");
                    }
                }
                var table = SweepOutput.ReadTable(dir);
                merged ??= new ResultTable(table.Columns);
                if (!SameColumns(merged, table, out var why))
                {
                    return Bad(stderr, $"{dir}: {why}");
                }
                var runColumn = table.IndexOf("run");
                var listed = new HashSet<int>(manifest.RunIds);
                rows.AddRange(table.Rows.Where(r => runColumn < 0 || listed.Contains((int)(long)r[runColumn]!)));
            }
            var missing = Enumerable.Range(0, first!.Runs).Where(k => !owner.ContainsKey(k)).ToList();
            if (incomplete.Count > 0 || missing.Count > 0)
            {
                if (incomplete.Count > 0)
                {
                    stderr.WriteLine($"hmmecs merge: incomplete shards (finish each with its sweep command and --resume): {string.Join(", ", incomplete)}");
                }
                if (missing.Count > 0)
                {
                    stderr.WriteLine($"hmmecs merge: missing runs ({missing.Count} of {first.Runs}): {string.Join(", ", missing.Take(20))}{(missing.Count > 20 ? ", …" : "")}");
                }
                stderr.WriteLine("hmmecs merge: nothing written");
                return HmmecsCommand.Failed;
            }
            var runIndex = merged!.IndexOf("run");
            if (runIndex >= 0)
            {
                // A stable sort keeps each run's steps in their order.
                rows = [.. rows.OrderBy(r => (long)r[runIndex]!)];
            }
            foreach (var r in rows)
            {
                merged.Add(r);
            }
            SweepOutput.MakeRunsFolder(outDir);
            foreach (var (run, dir) in owner)
            {
                for (var r = 0; r < first.Repeat; r++)
                {
                    var item = new SweepItem(run, r);
                    var from = Path.Combine(dir, SweepOutput.RunsFolder, SweepOutput.RunFile(item, first.Repeat));
                    var doc = SweepDirectory.ReadRun(from, first.Plan)
                        ?? throw new SweepException($"{from}: missing, cut, or of another sweep, though {dir}'s manifest lists run {run}");
                    SweepOutput.WriteRun(outDir, item, first.Repeat, doc);
                }
            }
            SweepOutput.WriteTable(outDir, merged);
            var all = owner.Keys.Order().ToArray();
            SweepOutput.WriteManifest(outDir, (first with { Shard = "merged", RunIds = all, Done = all.Length * first.Repeat, Complete = true })
                .ToJson(Provenance.Of(first.ScenarioSha256, commandLine, started, DateTime.UtcNow)));
            stdout.WriteLine($"merged {dirs.Count} directories: {owner.Count} of {first.Runs} runs, {merged.Rows.Count} rows -> {Path.Combine(outDir, SweepOutput.CsvName)}, {Path.Combine(outDir, SweepOutput.ParquetName)}");
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
