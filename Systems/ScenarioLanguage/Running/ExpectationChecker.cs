using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Systems.ScenarioLanguage.Running;

/// <summary>
/// Checks a step's <c>expect</c> against the step's own typed result: each dotted path, resolved through the
/// step's <see cref="StepResult.Fields"/>, must lead to a scalar that equals the expected value exactly
/// (numbers by value, so 768 equals 768.0). A path that is not in the step's document is a miss.
/// </summary>
public static class ExpectationChecker
{
    /// <summary>Appends one message per miss to <paramref name="misses"/>, e.g. <c>reasons.pinned: expected 256, got 255</c>.</summary>
    public static void Check(StepResult result, IReadOnlyList<Expectation> expect, List<string> misses)
    {
        // Collected first: misses is usually the step's own ExpectFailures, and an expect on expectFailures
        // sees the list as it was before this check, as the document it reads would have shown it.
        var found = new List<string>();
        foreach (var e in expect)
        {
            if (!result.Fields.TryResolve(result, e.Path, out var node))
            {
                found.Add($"{e.Path}: expected {e.Value.Text}, got nothing (no such field in the result)");
                continue;
            }
            switch (node)
            {
                case FieldGroup group:
                    found.Add($"{e.Path}: expected {e.Value.Text}, got an object {Short(group.ToJson(result).ToJsonString())}");
                    break;
                case ResultField field:
                    var got = field.Read(result);
                    if (got.Type is FieldType.StringList or FieldType.RepeatLevels && !got.IsNull)
                    {
                        found.Add($"{e.Path}: expected {e.Value.Text}, got an array {Short(got.ToJsonText())}");
                    }
                    else if (!Same(e.Value, got))
                    {
                        found.Add($"{e.Path}: expected {e.Value.Text}, got {got.ToJsonText()}");
                    }
                    break;
            }
        }
        misses.AddRange(found);
    }

    private static bool Same(ExpectedValue expected, FieldValue got)
    {
        if (expected.Kind == ExpectedKind.Null || got.IsNull)
        {
            return expected.Kind == ExpectedKind.Null && got.IsNull;
        }
        return expected.Kind switch
        {
            ExpectedKind.Number => got.IsNumber && SameNumber(expected, got),
            ExpectedKind.String => got.Type == FieldType.String && expected.StringValue == got.String,
            ExpectedKind.Bool => got.Type == FieldType.Bool && expected.BoolValue == got.Bool,
            _ => false,
        };
    }

    /// <summary>Exactly, as decimals, where both fit one; else as doubles.</summary>
    private static bool SameNumber(ExpectedValue expected, FieldValue got) =>
        expected.DecimalValue is { } dx && got.TryGetDecimal(out var dy)
            ? dx == dy
            : expected.DoubleValue is { } x && x.Equals(got.Number);

    private static string Short(string json) => json.Length <= 60 ? json : json[..57] + "...";
}
