using System.Text.Json;
using System.Text.Json.Nodes;
using HmmEcs.Systems.ScenarioLanguage;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>One run of a sweep: its number in the full cross product, the value index per parameter, and the validated scenario.</summary>
/// <param name="Id">0-based position in the cross product (the first <c>--set</c> varies slowest).</param>
/// <param name="ValueIndexes">For each parameter, which of its values this run uses.</param>
/// <param name="Scenario">The scenario with the overrides applied, validated by the normal loader.</param>
public sealed record SweepRun(int Id, int[] ValueIndexes, Scenario Scenario);

/// <summary>
/// The cross product of a sweep's parameters over one scenario file. Every override is applied to the parsed
/// JSON document and the result validated by <see cref="ScenarioLoader"/> before anything runs.
/// </summary>
public sealed class SweepPlan
{
    /// <summary>A sweep larger than this is refused (it is almost surely a mistyped range).</summary>
    public const long MaxRuns = 1_000_000;

    private static readonly JsonDocumentOptions ReadOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 64,
    };

    private readonly string _text;
    private readonly string _defaultName;
    // Where a file the scenario names (a trace) is found: the scenario file's folder.
    private readonly string? _baseDirectory;

    private SweepPlan(string text, string defaultName, IReadOnlyList<SweepParameter> parameters, long count, string? baseDirectory)
    {
        _text = text;
        _defaultName = defaultName;
        _baseDirectory = baseDirectory;
        Parameters = parameters;
        Count = (int)count;
    }

    /// <summary>The parameters in the order given.</summary>
    public IReadOnlyList<SweepParameter> Parameters { get; }

    /// <summary>Runs in the whole cross product.</summary>
    public int Count { get; }

    /// <summary>
    /// A plan over scenario JSON <paramref name="text"/>; the base file must itself parse as JSON. A file it names (a
    /// trace) is found relative to <paramref name="baseDirectory"/> (null: the current directory).
    /// </summary>
    public static SweepPlan Create(string text, string defaultName, IReadOnlyList<SweepParameter> parameters, string? baseDirectory = null)
    {
        long count = 1;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in parameters)
        {
            if (!seen.Add(p.Path))
            {
                throw new SweepException($"--set {p.Path}: given twice");
            }
            count *= p.Values.Count;
            if (count > MaxRuns)
            {
                throw new SweepException($"the sweep has more than {MaxRuns} runs");
            }
        }
        // Loads the base once so a broken file reports its own line and column before any override. A swept profile
        // replaces the file's, which may name one that does not run yet: each run's own is checked when it is built.
        ScenarioLoader.Parse(text, defaultName, seen.Contains("profile") ? Systems.Machine.SemanticsProfile.V13 : null, baseDirectory);
        return new SweepPlan(text, defaultName, parameters, count, baseDirectory);
    }

    /// <summary>The value index of each parameter for run <paramref name="id"/> (the last parameter varies fastest).</summary>
    public int[] ValueIndexes(int id)
    {
        var indexes = new int[Parameters.Count];
        var rest = id;
        for (var p = Parameters.Count - 1; p >= 0; p--)
        {
            indexes[p] = rest % Parameters[p].Values.Count;
            rest /= Parameters[p].Values.Count;
        }
        return indexes;
    }

    /// <summary>The run ids of shard <paramref name="shard"/> of <paramref name="shards"/>: run k belongs to shard k mod N.</summary>
    public IReadOnlyList<int> ShardIds(int shard, int shards)
    {
        var ids = new List<int>();
        for (var k = shard; k < Count; k += shards)
        {
            ids.Add(k);
        }
        return ids;
    }

    /// <summary>Builds and validates run <paramref name="id"/>; an override that misses or makes the file invalid is a <see cref="SweepException"/>.</summary>
    public SweepRun Build(int id)
    {
        var indexes = ValueIndexes(id);
        var root = JsonNode.Parse(_text, documentOptions: ReadOptions)
            ?? throw new SweepException("the scenario file is the JSON literal null");
        for (var p = 0; p < Parameters.Count; p++)
        {
            JsonPath.Set(root, Parameters[p].Path, Parameters[p].Values[indexes[p]]?.DeepClone());
        }
        try
        {
            var scenario = ScenarioLoader.Parse(root.ToJsonString(), _defaultName, null, _baseDirectory);
            return new SweepRun(id, indexes, scenario);
        }
        catch (ScenarioException e)
        {
            throw new SweepException($"run {id} ({Describe(indexes)}): {e.Message}");
        }
    }

    /// <summary><c>path=value</c> pairs of a run, for messages.</summary>
    public string Describe(int[] indexes)
    {
        var parts = new string[Parameters.Count];
        for (var p = 0; p < parts.Length; p++)
        {
            parts[p] = $"{Parameters[p].Path}={Parameters[p].Label(indexes[p])}";
        }
        return string.Join(", ", parts);
    }
}
