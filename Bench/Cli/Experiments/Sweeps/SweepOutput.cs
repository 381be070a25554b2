using System.Text.Json;
using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Output;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// The files of a sweep directory: <c>runs/run-NNNNN.json</c> (one result document per run),
/// <c>sweep.csv</c> and <c>sweep.parquet</c> (the table), and <c>sweep.json</c> (which runs this directory holds).
/// </summary>
public static class SweepOutput
{
    /// <summary>The table as CSV.</summary>
    public const string CsvName = "sweep.csv";

    /// <summary>The table as Parquet.</summary>
    public const string ParquetName = "sweep.parquet";

    /// <summary>The manifest: parameters, the run count of the whole sweep, and the run ids held here.</summary>
    public const string ManifestName = "sweep.json";

    /// <summary>The folder of per-run result documents.</summary>
    public const string RunsFolder = "runs";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The file name of an item's result: <c>run-NNNNN.json</c>, or <c>run-NNNNN.rK.json</c> when the sweep repeats its runs.</summary>
    public static string RunFile(SweepItem item, int repeat) => repeat == 1 ? $"run-{item.Run:D5}.json" : $"run-{item.Run:D5}.r{item.Repetition}.json";

    /// <summary>Writes the table in both formats, each file whole or not at all.</summary>
    public static void WriteTable(string dir, ResultTable table)
    {
        AtomicFile.Write(Path.Combine(dir, CsvName), tmp => CsvTable.Write(table, tmp));
        AtomicFile.Write(Path.Combine(dir, ParquetName), tmp => ParquetTable.Write(table, tmp));
    }

    /// <summary>Reads a directory's table, from Parquet when present (typed), else from CSV.</summary>
    public static ResultTable ReadTable(string dir)
    {
        var parquet = Path.Combine(dir, ParquetName);
        if (File.Exists(parquet))
        {
            return ParquetTable.Read(parquet);
        }
        var csv = Path.Combine(dir, CsvName);
        if (File.Exists(csv))
        {
            return CsvTable.Read(csv);
        }
        throw new SweepException($"{dir}: no {ParquetName} or {CsvName} (not a sweep output directory)");
    }

    /// <summary>Writes the manifest, whole or not at all.</summary>
    public static void WriteManifest(string dir, JsonObject manifest) =>
        AtomicFile.WriteAllText(Path.Combine(dir, ManifestName), manifest.ToJsonString(Indented) + Environment.NewLine);

    /// <summary>
    /// Makes <paramref name="dir"/>'s run folder, refusing one that is a symbolic link: someone else's link there
    /// would have the run documents written outside the output folder.
    /// </summary>
    public static void MakeRunsFolder(string dir)
    {
        var runs = new DirectoryInfo(Path.Combine(dir, RunsFolder));
        if (runs.LinkTarget is not null)
        {
            throw new SweepException($"{runs.FullName} is a symbolic link (to {runs.LinkTarget}); refusing to write through it");
        }
        runs.Create();
    }

    /// <summary>Writes a run's result document, whole or not at all; gives the JSON text it wrote.</summary>
    public static string WriteRun(string dir, SweepItem item, int repeat, JsonObject doc)
    {
        var text = doc.ToJsonString();
        AtomicFile.WriteAllText(Path.Combine(dir, RunsFolder, RunFile(item, repeat)), text + Environment.NewLine);
        return text;
    }
}
