using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Output;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// The rules for a sweep's <c>--out</c>: an empty or new directory is used; a directory holding this very sweep
/// (same plan, same shard) is finished with <c>--resume</c>; anything else is refused unless <c>--force</c>, which
/// removes the sweep files there (run documents, tables, manifest) and nothing else. What a resume keeps is only
/// what proves itself this sweep's: a whole run document naming this plan and a run of this shard.
/// </summary>
public static class SweepDirectory
{
    /// <summary>
    /// Makes <paramref name="dir"/> ready for <paramref name="manifest"/>'s runs and gives the documents of the runs
    /// already done (resume), by run id. Throws <see cref="SweepException"/> when the directory may not be used.
    /// </summary>
    public static Dictionary<SweepItem, JsonObject> Prepare(string dir, SweepManifest manifest, bool resume, bool force)
    {
        var done = new Dictionary<SweepItem, JsonObject>();
        if (OutputPaths.DirectoryProblem(dir) is { } problem)
        {
            throw new SweepException($"--out {problem}");
        }
        if (IsEffectivelyEmpty(dir))
        {
            // The runs folder comes after the manifest (SweepCommand): a folder killed in between holds no sweep files.
            ClearLeftovers(dir);
            return done;
        }
        var found = SweepManifest.TryRead(Path.Combine(dir, SweepOutput.ManifestName));
        var same = found is not null && found.Plan == manifest.Plan && found.Shard == manifest.Shard;
        if (force)
        {
            ClearSweepFiles(dir);
            return done;
        }
        if (!same)
        {
            var what = found is null ? "holds no sweep" : found.Plan != manifest.Plan ? "holds a different sweep (another scenario file, engine or parameters)" : $"holds shard {found.Shard} of this sweep";
            throw new SweepException($"--out {dir} is not empty and {what}: choose an empty directory, or --force to replace its sweep files");
        }
        if (!resume)
        {
            throw new SweepException($"--out {dir} holds this sweep already ({found!.Done} of {found.Items.Count()} runs done{(found.Complete ? ", complete" : "")}): --resume finishes it, --force starts it over");
        }
        var mine = new HashSet<SweepItem>(manifest.Items);
        var runs = Path.Combine(dir, SweepOutput.RunsFolder);
        SweepOutput.MakeRunsFolder(dir);
        foreach (var path in Directory.EnumerateFiles(runs))
        {
            if (path.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal))
            {
                File.Delete(path);
                continue;
            }
            if (ReadRun(path, manifest.Plan) is { } doc && ItemOf(doc) is var item && mine.Contains(item)
                && Path.GetFileName(path) == SweepOutput.RunFile(item, manifest.Repeat))
            {
                done[item] = doc;
            }
        }
        return done;
    }

    /// <summary>A run document of plan <paramref name="plan"/>, or null when the file is not one (unreadable, cut, another sweep's).</summary>
    public static JsonObject? ReadRun(string path, string plan)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject o && o["plan"]?.GetValue<string>() == plan && IsRunDocument(o) ? o : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException or IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// True when <paramref name="o"/> has every field the tables read, of the right type: a hand-edited or damaged
    /// document is then treated as missing (its run is run again), never read into a table.
    /// </summary>
    private static bool IsRunDocument(JsonObject o)
    {
        if (!Is<int>(o["run"]) || (o["repetition"] is not null && !Is<int>(o["repetition"])) || !Is<bool>(o["ok"]) || !Is<string>(o["scenario"])
            || !Is<string>(o["engine"]) || !Is<long>(o["seed"]) || !Is<double>(o["setupMs"]) || o["steps"] is not JsonArray steps)
        {
            return false;
        }
        foreach (var step in steps)
        {
            if (step is not JsonObject s || !Is<string>(s["op"]) || !Is<long>(s["index"]) || s["expectFailures"] is not (null or JsonArray))
            {
                return false;
            }
        }
        return true;
    }

    private static bool Is<T>(JsonNode? node) => node is JsonValue v && v.TryGetValue<T>(out _);

    /// <summary>The item a run document holds.</summary>
    public static SweepItem ItemOf(JsonObject doc) => new(doc["run"]!.GetValue<int>(), doc["repetition"]?.GetValue<int>() ?? 0);

    /// <summary>
    /// True for a new or empty folder, or one holding only what a writer killed before its manifest leaves: temporary
    /// files and an empty runs folder.
    /// </summary>
    private static bool IsEffectivelyEmpty(string dir)
    {
        if (!Directory.Exists(dir))
        {
            return true;
        }
        foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
        {
            var name = Path.GetFileName(entry);
            var leftover = name.EndsWith(AtomicFile.TemporarySuffix, StringComparison.Ordinal)
                || (name == SweepOutput.RunsFolder && Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null && !Directory.EnumerateFileSystemEntries(entry).Any());
            if (!leftover)
            {
                return false;
            }
        }
        return true;
    }

    private static void ClearLeftovers(string dir)
    {
        if (Directory.Exists(dir))
        {
            foreach (var f in Directory.EnumerateFiles(dir, "*" + AtomicFile.TemporarySuffix))
            {
                File.Delete(f);
            }
        }
    }

    /// <summary>Deletes a folder's sweep files (run documents, tables, manifest, temporary files) and nothing else.</summary>
    public static void ClearSweepFiles(string dir)
    {
        ClearLeftovers(dir);
        Clear(dir);
    }

    private static void Clear(string dir)
    {
        var runs = Path.Combine(dir, SweepOutput.RunsFolder);
        if (Directory.Exists(runs))
        {
            foreach (var f in Directory.EnumerateFiles(runs, "run-*"))
            {
                File.Delete(f);
            }
        }
        foreach (var name in new[] { SweepOutput.CsvName, SweepOutput.ParquetName, SweepOutput.ManifestName })
        {
            File.Delete(Path.Combine(dir, name));
        }
    }
}
