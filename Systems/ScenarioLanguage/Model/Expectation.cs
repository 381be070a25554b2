using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HmmEcs.Systems.ScenarioLanguage.Model;

/// <summary>One entry of a step's <c>expect</c>: a dotted path into the step's own result and the exact value it must hold.</summary>
/// <param name="Path">Dotted path, e.g. <c>reasons.pinned</c>.</param>
/// <param name="Value">A number, string, boolean or null.</param>
public sealed record Expectation(string Path, ExpectedValue Value);

/// <summary>What an <see cref="ExpectedValue"/> holds: the scalar kinds an <c>expect</c> may name.</summary>
public enum ExpectedKind
{
    /// <summary>JSON null.</summary>
    Null,

    /// <summary>A number, compared by value (768 equals 768.0).</summary>
    Number,

    /// <summary>A string, compared ordinally.</summary>
    String,

    /// <summary>true or false.</summary>
    Bool,
}

/// <summary>
/// The value of one <c>expect</c> entry, typed. A number keeps the text the file wrote (a miss prints
/// <c>expected 1024.0</c> as written) beside its value as a decimal, where one holds it, and as a double.
/// </summary>
public readonly record struct ExpectedValue
{
    private ExpectedValue(ExpectedKind kind, string text, decimal? asDecimal = null, double? asDouble = null, string? asString = null, bool asBool = false)
    {
        Kind = kind;
        Text = text;
        DecimalValue = asDecimal;
        DoubleValue = asDouble;
        StringValue = asString;
        BoolValue = asBool;
    }

    /// <summary>The kind of value.</summary>
    public ExpectedKind Kind { get; }

    /// <summary>The value as JSON text, as miss messages print it.</summary>
    public string Text { get; }

    /// <summary>A number's exact value; null for a number beyond decimal's range (compared as a double then) or another kind.</summary>
    public decimal? DecimalValue { get; }

    /// <summary>A number's value as a double; null for another kind or a number beyond double's range.</summary>
    public double? DoubleValue { get; }

    /// <summary>A string's value.</summary>
    public string? StringValue { get; }

    /// <summary>A boolean's value.</summary>
    public bool BoolValue { get; }

    /// <summary>JSON null.</summary>
    public static ExpectedValue Null { get; } = new(ExpectedKind.Null, "null");

    /// <summary>An integer.</summary>
    public static ExpectedValue Of(long value) =>
        new(ExpectedKind.Number, value.ToString(CultureInfo.InvariantCulture), value, value);

    /// <summary>A string.</summary>
    public static ExpectedValue Of(string value) => new(ExpectedKind.String, JsonValue.Create(value).ToJsonString(), asString: value);

    /// <summary>A boolean.</summary>
    public static ExpectedValue Of(bool value) => new(ExpectedKind.Bool, value ? "true" : "false", asBool: value);

    /// <summary>The value of a JSON scalar (number, string, true, false, null); false for an object or an array.</summary>
    public static bool TryFrom(JsonElement e, out ExpectedValue value)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Number:
                value = new(ExpectedKind.Number, e.GetRawText(),
                    e.TryGetDecimal(out var d) ? d : null,
                    e.TryGetDouble(out var x) && double.IsFinite(x) ? x : null);
                return true;
            case JsonValueKind.String:
                value = Of(e.GetString()!);
                return true;
            case JsonValueKind.True or JsonValueKind.False:
                value = Of(e.ValueKind == JsonValueKind.True);
                return true;
            case JsonValueKind.Null:
                value = Null;
                return true;
            default:
                value = default;
                return false;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
