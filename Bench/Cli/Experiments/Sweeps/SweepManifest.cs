using System.Text;
using System.Text.Json.Nodes;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// A sweep directory's <c>sweep.json</c>: the plan (its hash, the scenario, engine and parameters), the run count of
/// the whole sweep, the run ids this directory is to hold, how many it holds, whether it is complete, and provenance.
/// Written before the first run (incomplete) and again at the end.
/// </summary>
public sealed record SweepManifest
{
    /// <summary>The manifest of a shard about to run.</summary>
    public SweepManifest(string file, string scenarioSha256, string engine, SweepPlan plan, string shard, IReadOnlyList<int> runIds, int repeat, int warmup)
    {
        Repeat = repeat;
        Warmup = warmup;
        File = file;
        ScenarioSha256 = scenarioSha256;
        Engine = engine;
        Parameters = ParametersJson(plan);
        Runs = plan.Count;
        Shard = shard;
        RunIds = runIds;
        Plan = PlanHash(scenarioSha256, engine, Parameters, repeat);
    }

    private SweepManifest(JsonObject o)
    {
        File = o["file"]?.GetValue<string>() ?? "";
        ScenarioSha256 = o["scenarioSha256"]?.GetValue<string>() ?? "";
        Engine = o["engine"]?.GetValue<string>() ?? "";
        Parameters = o["parameters"]?.DeepClone() as JsonArray ?? [];
        Runs = o["runs"]!.GetValue<int>();
        // A damaged or forged manifest must not make merge list two billion missing runs.
        if (Runs < 1 || Runs > SweepPlan.MaxRuns)
        {
            throw new FormatException($"runs {Runs} is outside 1..{SweepPlan.MaxRuns}");
        }
        Shard = o["shard"]?.GetValue<string>() ?? "";
        RunIds = [.. (o["runIds"]?.AsArray() ?? []).Select(n => n!.GetValue<int>())];
        if (RunIds.Any(id => id < 0 || id >= Runs))
        {
            throw new FormatException("a run id is outside the sweep");
        }
        Plan = o["plan"]!.GetValue<string>();
        Done = o["done"]?.GetValue<int>() ?? 0;
        Repeat = o["repeat"]?.GetValue<int>() ?? 1;
        Warmup = o["warmup"]?.GetValue<int>() ?? 0;
        Complete = o["complete"]?.GetValue<bool>() ?? false;
    }

    /// <summary>SHA-256 of the scenario's hash, the engine and the parameters: equal for the shards of one sweep, different when the file or the plan changed.</summary>
    public string Plan { get; }

    /// <summary>The scenario file as it was named on the command line.</summary>
    public string File { get; }

    /// <summary>SHA-256 of the scenario file's bytes.</summary>
    public string ScenarioSha256 { get; }

    /// <summary>The engine every run used.</summary>
    public string Engine { get; }

    /// <summary><c>[{ "path", "values" }]</c> in <c>--set</c> order.</summary>
    public JsonArray Parameters { get; }

    /// <summary>Runs in the whole sweep (every shard).</summary>
    public int Runs { get; }

    /// <summary><c>I/N</c>, or <c>merged</c>.</summary>
    public string Shard { get; init; }

    /// <summary>The runs this directory is to hold.</summary>
    public IReadOnlyList<int> RunIds { get; init; }

    /// <summary>Times each run is run and recorded (<c>--repeat</c>); part of the plan.</summary>
    public int Repeat { get; }

    /// <summary>Unrecorded runs each worker makes before its first recorded one (<c>--warmup</c>); not part of the plan.</summary>
    public int Warmup { get; }

    /// <summary>This directory's items: every run of <see cref="RunIds"/> times every repetition.</summary>
    public IEnumerable<SweepItem> Items => RunIds.SelectMany(id => Enumerable.Range(0, Repeat).Select(r => new SweepItem(id, r)));

    /// <summary>How many of <see cref="Items"/> have a result document.</summary>
    public int Done { get; init; }

    /// <summary>True when every item has its result document and the tables hold them all.</summary>
    public bool Complete { get; init; }

    /// <summary>Reads a manifest; null when the file is missing, not JSON, or not a manifest of this format.</summary>
    public static SweepManifest? TryRead(string path)
    {
        try
        {
            return System.IO.File.Exists(path) && JsonNode.Parse(System.IO.File.ReadAllText(path)) is JsonObject o && o["plan"] is not null
                ? new SweepManifest(o)
                : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException or IOException or NullReferenceException)
        {
            return null;
        }
    }

    /// <summary>The manifest as JSON, with <paramref name="provenance"/>.</summary>
    public JsonObject ToJson(JsonObject provenance)
    {
        var ids = new JsonArray();
        foreach (var id in RunIds)
        {
            ids.Add((JsonNode)id);
        }
        return new JsonObject
        {
            ["plan"] = Plan,
            ["file"] = File,
            ["scenarioSha256"] = ScenarioSha256,
            ["engine"] = Engine,
            ["parameters"] = Parameters.DeepClone(),
            ["runs"] = Runs,
            ["shard"] = Shard,
            ["runIds"] = ids,
            ["repeat"] = Repeat,
            ["warmup"] = Warmup,
            ["done"] = Done,
            ["complete"] = Complete,
            ["provenance"] = provenance,
        };
    }

    private static JsonArray ParametersJson(SweepPlan plan)
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
        return parameters;
    }

    private static string PlanHash(string scenarioSha256, string engine, JsonArray parameters, int repeat)
    {
        var canonical = new JsonObject { ["scenarioSha256"] = scenarioSha256, ["engine"] = engine, ["parameters"] = parameters.DeepClone(), ["repeat"] = repeat };
        return Provenance.Sha256(Encoding.UTF8.GetBytes(canonical.ToJsonString()));
    }
}
