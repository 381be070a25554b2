using System.Text.Json;
using HmmEcs.Devices.Copy;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Loading;

/// <summary>
/// Reads a scenario file (docs/scenarios.md) and validates all of it before anything runs: JSON syntax (with
/// line and column), types, required and unknown fields, enums, bounds, and that every name refers to
/// something that exists at that point of the run. Every problem is a <see cref="ScenarioException"/>
/// whose message starts with the JSON path.
/// </summary>
public static class ScenarioLoader
{
    // Internal for the tests that hold docs/scenario.schema.json to the loader.
    internal static readonly string[] TopFields = ["$schema", "name", "seed", "payload", "ram", "devices", "steps"];
    internal static readonly string[] RamFields = ["pages"];
    internal static readonly string[] DeviceFields =
    [
        "name", "pages", "chunkPages", "allocation", "memory", "movable",
        "copyEngines", "bandwidthGBps", "latencyUs", "maxBatchPages",
    ];
    internal static readonly string[] Payloads = ["token", "bytes"];
    internal static readonly string[] Allocations = ["page", "chunk"];
    internal static readonly string[] Memories = ["unaddressable", "addressable"];

    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 64,
    };

    /// <summary>Loads and validates the file at <paramref name="path"/>; its name defaults to the file name.</summary>
    public static Scenario LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScenarioException("", $"cannot read {path}: {e.Message}");
        }
        return Parse(text, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses and validates scenario JSON; <paramref name="defaultName"/> is used when it has no <c>name</c>.</summary>
    public static Scenario Parse(string json, string defaultName)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new ScenarioException($"line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}", $"broken JSON: {Clean(e.Message)}");
        }
        using (doc)
        {
            return Build(doc.RootElement, defaultName);
        }
    }

    private static Scenario Build(JsonElement root, string defaultName)
    {
        var r = new FieldReader(root, "", TopFields, "the scenario");
        // "$schema" only tells editors where docs/scenario.schema.json is; it must be a string and is otherwise ignored.
        r.OptionalString("$schema");
        var name = r.OptionalString("name") ?? defaultName;
        var seed = (int)r.Integer("seed", 1, int.MinValue, int.MaxValue);
        var payload = r.Choice("payload", Payloads, 0) == 1 ? PayloadMode.Bytes : PayloadMode.Token;
        var ramPages = 1_048_576L;
        if (r.TryGet("ram", out var ram))
        {
            ramPages = new FieldReader(ram, "ram", RamFields, "ram").Integer("pages", null, 1);
        }
        var devices = Devices(r);
        var steps = r.Required("steps");
        var parser = new StepParser(new NameTracker(devices.Select(d => d.Name)));
        var list = parser.ParseList(steps, "steps");
        return new Scenario(name, new MachineConfig(ramPages, payload, seed, devices), list);
    }

    private static List<DeviceConfig> Devices(FieldReader top)
    {
        var list = new List<DeviceConfig>();
        if (!top.TryGet("devices", out var array))
        {
            return list;
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new ScenarioException("devices", $"must be an array, got {FieldReader.Describe(array)}");
        }
        var i = 0;
        foreach (var e in array.EnumerateArray())
        {
            var path = $"devices[{i}]";
            var r = new FieldReader(e, path, DeviceFields, "a device");
            var name = r.RequiredString("name");
            list.Add(new DeviceConfig(
                name,
                r.Integer("pages", null, 1),
                r.Int32("chunkPages", DeviceConfig.DefaultChunkPages, 1),
                r.Choice("allocation", Allocations, 0) == 1 ? DeviceAllocation.Chunk : DeviceAllocation.Page,
                r.Choice("memory", Memories, 0) == 1,
                r.Bool("movable", true),
                r.Int32("copyEngines", CopyParams.DefaultEngines, 1),
                r.Number("bandwidthGBps", CopyParams.DefaultBandwidthGBps, 0, exclusive: true),
                r.Number("latencyUs", CopyParams.DefaultLatencyUs, 0, exclusive: false),
                r.Int32("maxBatchPages", CopyParams.DefaultMaxBatchPages, 1)));
            if (MachineConfig.DeviceNameProblem(list, i) is { } problem)
            {
                throw new ScenarioException(r.Child("name"), problem);
            }
            i++;
        }
        return list;
    }

    /// <summary>System.Text.Json appends its own position; ours leads the message instead.</summary>
    private static string Clean(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at >= 0 ? message[..at] : message).Trim();
    }
}
