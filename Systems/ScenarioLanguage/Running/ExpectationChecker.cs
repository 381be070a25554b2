using System.Text.Json;
using System.Text.Json.Nodes;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Running;

/// <summary>
/// Checks a step's <c>expect</c> against the step's own result: each dotted path must lead to a scalar
/// that equals the expected value exactly (numbers by value, so 768 equals 768.0). A path that is not
/// in the result is a miss.
/// </summary>
public static class ExpectationChecker
{
    /// <summary>Appends one message per miss to <paramref name="misses"/>, e.g. <c>reasons.pinned: expected 256, got 255</c>.</summary>
    public static void Check(JsonObject result, IReadOnlyList<Expectation> expect, List<string> misses)
    {
        foreach (var e in expect)
        {
            var expected = e.Value?.ToJsonString() ?? "null";
            if (!TryResolve(result, e.Path, out var got))
            {
                misses.Add($"{e.Path}: expected {expected}, got nothing (no such field in the result)");
                continue;
            }
            if (!Same(e.Value, got))
            {
                var text = got is JsonObject or JsonArray ? $"{(got is JsonObject ? "an object" : "an array")} {Short(got!)}" : got?.ToJsonString() ?? "null";
                misses.Add($"{e.Path}: expected {expected}, got {text}");
            }
        }
    }

    /// <summary>Follows a dotted path through nested objects; false when a segment is missing.</summary>
    public static bool TryResolve(JsonObject result, string path, out JsonNode? value)
    {
        JsonNode? at = result;
        foreach (var part in path.Split('.'))
        {
            if (at is not JsonObject o || !o.TryGetPropertyValue(part, out var next))
            {
                value = null;
                return false;
            }
            at = next;
        }
        value = at;
        return true;
    }

    private static bool Same(JsonNode? expected, JsonNode? got)
    {
        if (expected is null || got is null)
        {
            return expected is null && got is null;
        }
        if (got is not JsonValue)
        {
            return false;
        }
        using var a = JsonDocument.Parse(expected.ToJsonString());
        using var b = JsonDocument.Parse(got.ToJsonString());
        var x = a.RootElement;
        var y = b.RootElement;
        if (x.ValueKind != y.ValueKind)
        {
            return false;
        }
        return x.ValueKind switch
        {
            JsonValueKind.Number => x.TryGetDecimal(out var dx) && y.TryGetDecimal(out var dy)
                ? dx == dy
                : x.GetDouble().Equals(y.GetDouble()),
            JsonValueKind.String => x.GetString() == y.GetString(),
            _ => true, // true/false: the kinds already matched
        };
    }

    private static string Short(JsonNode node)
    {
        var s = node.ToJsonString();
        return s.Length <= 60 ? s : s[..57] + "...";
    }
}
