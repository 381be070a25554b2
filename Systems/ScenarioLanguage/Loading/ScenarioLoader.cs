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
    internal static readonly string[] TopFields = ["$schema", "name", "seed", "payload", "profile", "ram", "devices", "steps"];
    internal static readonly string[] RamFields = ["pages", "zeroPage", "swapCache"];
    internal static readonly string[] DeviceFields =
    [
        "name", "pages", "chunkPages", "allocation", "memory", "movable",
        "copyEngines", "bandwidthGBps", "latencyUs", "maxBatchPages", "owner",
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

    /// <summary>
    /// Loads and validates the file at <paramref name="path"/> (<c>-</c>: standard input); its name defaults to the
    /// file name (<c>stdin</c>); <paramref name="profile"/>, when given, replaces the file's <c>profile</c> (the command line's
    /// <c>--profile</c>). Only a regular file of at most <see cref="ScenarioLimits.MaxFileBytes"/> is read: a
    /// directory, a FIFO or a device file (which could block or never end) is refused without being opened.
    /// </summary>
    public static Scenario LoadFile(string path, SemanticsProfile? profile = null) =>
        Parse(ScenarioText.Decode(ReadBytes(path)), path == "-" ? "stdin" : Path.GetFileNameWithoutExtension(path), profile,
            path == "-" ? "" : Path.GetDirectoryName(Path.GetFullPath(path)));

    /// <summary>The bytes of a scenario file under <see cref="LoadFile"/>'s rules (<c>-</c>: standard input); a refusal is a <see cref="ScenarioException"/>.</summary>
    public static byte[] ReadBytes(string path)
    {
        if (path == "-")
        {
            using var stdin = Console.OpenStandardInput();
            return ReadCapped(stdin, "standard input");
        }
        try
        {
            if (Directory.Exists(path))
            {
                throw new ScenarioException("", $"cannot read {path}: it is a directory");
            }
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ScenarioException("", $"cannot read {path}: no such file");
            }
            // FIFOs, character devices and /proc files report no length: reading them could block or run forever.
            if (info.Length == 0)
            {
                throw new ScenarioException("", $"cannot read {path}: it is empty, or not a regular file (a FIFO or a device)");
            }
            if (info.Length > ScenarioLimits.MaxFileBytes)
            {
                throw new ScenarioException("", $"cannot read {path}: {info.Length} bytes; a scenario file holds at most {ScenarioLimits.MaxFileBytes} (docs/scenarios.md, \"Limits\")");
            }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            return ReadCapped(stream, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScenarioException("", $"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>The stream's bytes, refused past <see cref="ScenarioLimits.MaxFileBytes"/> (a file may grow while it is read).</summary>
    private static byte[] ReadCapped(Stream stream, string what)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > ScenarioLimits.MaxFileBytes)
            {
                throw new ScenarioException("", $"cannot read {what}: more than {ScenarioLimits.MaxFileBytes} bytes (docs/scenarios.md, \"Limits\")");
            }
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Parses and validates scenario JSON; <paramref name="defaultName"/> is used when it has no <c>name</c>, and
    /// <paramref name="profile"/>, when given, replaces its <c>profile</c> (whose name is still checked); a file it names
    /// (a <c>trace</c>) is found relative to <paramref name="baseDirectory"/> (null: the current directory).
    /// </summary>
    public static Scenario Parse(string json, string defaultName, SemanticsProfile? profile = null, string? baseDirectory = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, Options);
        }
        catch (JsonException) when (HoldsNoToken(json))
        {
            throw new ScenarioException("", "it holds no JSON (it is empty, or only whitespace and comments); a scenario is one JSON object");
        }
        catch (JsonException e)
        {
            throw new ScenarioException($"line {(e.LineNumber ?? 0) + 1}, column {(e.BytePositionInLine ?? 0) + 1}", $"broken JSON: {Clean(e.Message)}");
        }
        using (doc)
        {
            return Build(doc.RootElement, defaultName, profile, baseDirectory ?? "");
        }
    }

    private static Scenario Build(JsonElement root, string defaultName, SemanticsProfile? profileOverride, string baseDirectory)
    {
        var r = new FieldReader(root, "", TopFields, "the scenario");
        // "$schema" only tells editors where docs/scenario.schema.json is; it must be a string and is otherwise ignored.
        r.OptionalString("$schema");
        var name = r.OptionalString("name") ?? defaultName;
        var seed = (int)r.Integer("seed", 1, int.MinValue, int.MaxValue);
        var payload = r.Choice("payload", Payloads, 0) == 1 ? PayloadMode.Bytes : PayloadMode.Token;
        // The file's profile is checked even when the command line replaces it.
        var profile = profileOverride ?? (SemanticsProfile)r.Choice("profile", SemanticsProfiles.Names, 0);
        _ = profileOverride is null || r.Choice("profile", SemanticsProfiles.Names, 0) >= 0;
        if (SemanticsProfiles.NotImplemented(profile) is { } notYet)
        {
            throw new ScenarioException("profile", notYet);
        }
        var ramPages = 1_048_576L;
        var zeroPage = false;
        var swapCache = false;
        if (r.TryGet("ram", out var ram))
        {
            var ramReader = new FieldReader(ram, "ram", RamFields, "ram");
            ramPages = ramReader.Integer("pages", null, 1, ScenarioLimits.MaxFrames);
            zeroPage = ramReader.Bool("zeroPage", false);
            swapCache = ramReader.Bool("swapCache", false);
        }
        var devices = Devices(r, ramPages);
        var steps = r.Required("steps");
        var parser = new StepParser(new NameTracker(devices.Select(d => d.Name)), profile, baseDirectory);
        var list = parser.ParseList(steps, "steps");
        CheckTotals(list);
        return new Scenario(name, new MachineConfig(ramPages, payload, seed, devices, profile) { ZeroPage = zeroPage, SwapCache = swapCache }, list);
    }

    private static List<DeviceConfig> Devices(FieldReader top, long ramPages)
    {
        var frames = ramPages;
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
                r.Integer("pages", null, 1, ScenarioLimits.MaxFrames),
                (int)r.Integer("chunkPages", DeviceConfig.DefaultChunkPages, 1, ScenarioLimits.MaxBatchPages),
                r.Choice("allocation", Allocations, 0) == 1 ? DeviceAllocation.Chunk : DeviceAllocation.Page,
                r.Choice("memory", Memories, 0) == 1,
                r.Bool("movable", true),
                (int)r.Integer("copyEngines", CopyParams.DefaultEngines, 1, ScenarioLimits.MaxCopyEngines),
                r.Number("bandwidthGBps", CopyParams.DefaultBandwidthGBps, ScenarioLimits.MinBandwidthGBps, exclusive: false, ScenarioLimits.MaxBandwidthGBps),
                r.Number("latencyUs", CopyParams.DefaultLatencyUs, 0, exclusive: false, ScenarioLimits.MaxLatencyUs),
                (int)r.Integer("maxBatchPages", CopyParams.DefaultMaxBatchPages, 1, ScenarioLimits.MaxBatchPages),
                SelectionParser.Owner(r)));
            frames += list[^1].Pages;
            if (frames > ScenarioLimits.MaxFrames)
            {
                throw new ScenarioException(r.Child("pages"), $"RAM and the devices so far make {frames} page frames; a machine holds at most {ScenarioLimits.MaxFrames} (docs/scenarios.md, \"Limits\")");
            }
            if (MachineConfig.DeviceNameProblem(list, i) is { } problem)
            {
                throw new ScenarioException(r.Child("name"), problem);
            }
            i++;
        }
        return list;
    }

    /// <summary>
    /// The run as a whole within the limits: steps executed (a repeat's body once per pass) and PTEs created (mmaps,
    /// each fork doubling them), named at the top-level step where the total goes past the limit.
    /// </summary>
    private static void CheckTotals(IReadOnlyList<ScenarioStep> steps)
    {
        long executed = 0, mapped = 0;
        for (var i = 0; i < steps.Count; i++)
        {
            executed = ScenarioSize.Add(executed, ScenarioSize.Executed(steps[i]));
            if (executed > ScenarioLimits.MaxExecutedSteps)
            {
                throw new ScenarioException($"steps[{i}]", $"the run would execute {(executed == long.MaxValue ? "over 9e18" : executed)} steps by here; at most {ScenarioLimits.MaxExecutedSteps} (docs/scenarios.md, \"Limits\")");
            }
            mapped = ScenarioSize.Mapped(steps[i], mapped);
            if (mapped > ScenarioLimits.MaxMappedPages)
            {
                throw new ScenarioException($"steps[{i}]", $"the run would map {mapped} pages (PTEs) by here; at most {ScenarioLimits.MaxMappedPages} (docs/scenarios.md, \"Limits\")");
            }
        }
    }

    /// <summary>System.Text.Json appends its own position; ours leads the message instead.</summary>
    private static string Clean(string message)
    {
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (at >= 0 ? message[..at] : message).Trim();
    }

    /// <summary>True when <paramref name="json"/> is whitespace and comments only (told by reading it, not by the parser's words).</summary>
    private static bool HoldsNoToken(string json)
    {
        // A newline ends a last line comment (whitespace otherwise). Not the final block: with no token the reader asks
        // for more instead of throwing, having consumed everything (an unterminated comment stays unconsumed: broken JSON).
        var bytes = System.Text.Encoding.UTF8.GetBytes(json + "\n");
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip }));
        try
        {
            return !reader.Read() && reader.BytesConsumed == bytes.Length;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
