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
            var outFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outDir));
            var given = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var dir in dirs)
            {
                var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
                // Else the second mention reads as another shard holding the same runs ("run 0 is in both A and A").
                if (!given.TryAdd(full, dir))
                {
                    return Bad(stderr, given[full] == dir ? $"{dir} is given twice: name each shard once" : $"{dir} is given twice (also as {given[full]}): name each shard once");
                }
                if (outFull == full || outFull.StartsWith(full + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                    || full.StartsWith(outFull + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    return Bad(stderr, $"--out {outDir} is, holds or lies inside the shard {dir}: merge into a folder of its own");
                }
            }
            if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any() && !force)
            {
                return Bad(stderr, $"--out {outDir} is not empty: choose an empty directory, or --force to replace its sweep files");
            }
            var started = DateTime.UtcNow;
            ResultTable merged;
            var tables = new List<ResultTable>();
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
                if (tables.Count > 0 && !SameNames(tables[0], table, out var why))
                {
                    return Bad(stderr, $"{dir}: {why}");
                }
                var runColumn = table.IndexOf("run");
                var listed = new HashSet<int>(manifest.RunIds);
                tables.Add(new ResultTable(table.Columns));
                foreach (var r in table.Rows.Where(r => runColumn < 0 || listed.Contains((int)(long)r[runColumn]!)))
                {
                    tables[^1].Rows.Add(r);
                }
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
            // A CSV-only shard infers its column types from its own cells (a column with no value reads as text, a time
            // of whole microseconds as integers): the merged table takes the widest kind each column has.
            if (Unify(tables, out var why2) is not { } unified)
            {
                return Bad(stderr, why2);
            }
            merged = unified.Table;
            rows = unified.Rows;
            var runIndex = merged.IndexOf("run");
            if (runIndex >= 0)
            {
                // A stable sort keeps each run's steps in their order.
                rows = [.. rows.OrderBy(r => (long)r[runIndex]!)];
            }
            foreach (var r in rows)
            {
                merged.Add(r);
            }
            if (force)
            {
                SweepDirectory.ClearSweepFiles(outDir);
            }
            Directory.CreateDirectory(outDir);
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
            stdout.WriteLine($"merged {dirs.Count} {(dirs.Count == 1 ? "directory" : "directories")}: {owner.Count} of {first.Runs} runs, {merged.Rows.Count} rows -> {Path.Combine(outDir, SweepOutput.CsvName)}, {Path.Combine(outDir, SweepOutput.ParquetName)}");
            return HmmecsCommand.Ok;
        }
        catch (Exception e) when (e is SweepException or IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            return Bad(stderr, e.Message.ReplaceLineEndings(" "));
        }
    }

    private static bool SameNames(ResultTable a, ResultTable b, out string why)
    {
        if (a.Columns.Count != b.Columns.Count)
        {
            why = $"{b.Columns.Count} columns, the first directory has {a.Columns.Count}";
            return false;
        }
        for (var c = 0; c < a.Columns.Count; c++)
        {
            if (a.Columns[c].Name != b.Columns[c].Name)
            {
                why = $"column {c} is {b.Columns[c].Name}, the first directory has {a.Columns[c].Name}";
                return false;
            }
        }
        why = "";
        return true;
    }

    /// <summary>
    /// The shards' columns with one kind each: Int64 and Double make Double; a kind seen only on a column without a
    /// value (a CSV reads it as text) gives way to the others'. Null, with <paramref name="why"/>, when a column is
    /// text with values in one shard and numbers in another.
    /// </summary>
    private static (ResultTable Table, List<object?[]> Rows)? Unify(List<ResultTable> tables, out string why)
    {
        why = "";
        var first = tables[0];
        var columns = new TableColumn[first.Columns.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            ColumnKind? kind = null;
            foreach (var t in tables)
            {
                if (t.Rows.All(r => r[c] is null))
                {
                    continue;
                }
                var k = t.Columns[c].Kind;
                kind = kind is null || kind == k ? k
                    : (kind, k) is (ColumnKind.Int64, ColumnKind.Double) or (ColumnKind.Double, ColumnKind.Int64) ? ColumnKind.Double
                    : null;
                if (kind is null)
                {
                    why = $"column {first.Columns[c].Name} holds text in one shard and numbers in another";
                    return null;
                }
            }
            columns[c] = new TableColumn(first.Columns[c].Name, kind ?? first.Columns[c].Kind);
        }
        var rows = new List<object?[]>();
        foreach (var t in tables)
        {
            foreach (var r in t.Rows)
            {
                var row = (object?[])r.Clone();
                for (var c = 0; c < row.Length; c++)
                {
                    if (columns[c].Kind == ColumnKind.Double && row[c] is long l)
                    {
                        row[c] = (double)l;
                    }
                }
                rows.Add(row);
            }
        }
        return (new ResultTable(columns), rows);
    }

    private static int Bad(TextWriter stderr, string message)
    {
        stderr.WriteLine($"hmmecs merge: {TerminalText.Escape(message)}");
        return HmmecsCommand.Invalid;
    }
}
