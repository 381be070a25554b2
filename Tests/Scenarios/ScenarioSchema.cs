using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace HmmEcs.Tests.Scenarios;

/// <summary>docs/scenario.schema.json as the test project copies it to its output, and scenario files parsed as the loader parses them.</summary>
internal static class ScenarioSchema
{
    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "docs", "scenario.schema.json");

    public static string Text => File.ReadAllText(FilePath);

    /// <summary>The schema's own JSON, to read its <c>$defs</c>.</summary>
    public static JsonObject Node => JsonNode.Parse(Text)!.AsObject();

    /// <summary>Scenario files may hold comments and trailing commas; the schema describes the JSON once they are gone.</summary>
    public static readonly JsonDocumentOptions FileOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>The whole schema, built fresh (each build gets its own registry entry under a new base URI).</summary>
    public static JsonSchema Build() => JsonSchema.FromText(Text);

    /// <summary>
    /// One definition of the schema on its own (<c>$defs/NAME</c>, with every other definition beside it for its
    /// references), to validate a fragment such as one step or one <c>expect</c>.
    /// </summary>
    public static JsonSchema Definition(string name)
    {
        var root = Node;
        var wrapper = new JsonObject
        {
            ["$schema"] = root["$schema"]!.DeepClone(),
            ["$defs"] = root["$defs"]!.DeepClone(),
            ["$ref"] = $"#/$defs/{name}",
        };
        return JsonSchema.FromText(wrapper.ToJsonString());
    }

    /// <summary>Validates <paramref name="json"/> (comments and trailing commas allowed); the errors, one per line, or empty when valid.</summary>
    public static string Errors(JsonSchema schema, string json)
    {
        using var doc = JsonDocument.Parse(json, FileOptions);
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return "";
        }
        var lines = new List<string>();
        foreach (var detail in result.Details ?? [])
        {
            foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
            {
                lines.Add($"{detail.InstanceLocation} ({detail.EvaluationPath}) {keyword}: {message}");
            }
        }
        return lines.Count > 0 ? string.Join('\n', lines) : "invalid";
    }
}
