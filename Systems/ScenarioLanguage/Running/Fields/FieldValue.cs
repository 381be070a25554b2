using System.Globalization;
using System.Text.Json.Nodes;

namespace HmmEcs.Systems.ScenarioLanguage.Running.Fields;

/// <summary>
/// One field's value as its accessor read it from a typed result: a count, a time, a string, a flag, a list,
/// or null. It becomes JSON only in <see cref="ToJsonNode"/>, when a document (or a miss message) is written.
/// </summary>
public readonly struct FieldValue
{
    private readonly long _integer;
    private readonly double _double;
    private readonly object? _reference;

    // Narrow integers (index, iteration, inner) stay int in the document's nodes, as readers of ToJson() cast them.
    private readonly bool _narrow;

    private FieldValue(FieldType type, bool isNull, long integer = 0, double number = 0, object? reference = null, bool narrow = false)
    {
        Type = type;
        IsNull = isNull;
        _integer = integer;
        _double = number;
        _reference = reference;
        _narrow = narrow;
    }

    /// <summary>The field's type.</summary>
    public FieldType Type { get; }

    /// <summary>True for JSON null (<c>error</c> of a step that succeeded).</summary>
    public bool IsNull { get; }

    /// <summary>A count.</summary>
    public static FieldValue Of(long value) => new(FieldType.Integer, false, integer: value);

    /// <summary>An index (written as a 32-bit number node).</summary>
    public static FieldValue OfIndex(int value) => new(FieldType.Integer, false, integer: value, narrow: true);

    /// <summary>A time or another fraction.</summary>
    public static FieldValue Of(double value) => new(FieldType.Double, false, number: value);

    /// <summary>A string; null is JSON null.</summary>
    public static FieldValue Of(string? value) => new(FieldType.String, value is null, reference: value);

    /// <summary>A flag.</summary>
    public static FieldValue Of(bool value) => new(FieldType.Bool, false, integer: value ? 1 : 0);

    /// <summary>A list of strings.</summary>
    public static FieldValue Of(IReadOnlyList<string> values) => new(FieldType.StringList, false, reference: values);

    /// <summary>The (iteration, inner) pairs of nested repeats.</summary>
    public static FieldValue Of(IReadOnlyList<(int Iteration, int Inner)> levels) => new(FieldType.RepeatLevels, false, reference: levels);

    /// <summary>JSON null in a field of <paramref name="type"/>.</summary>
    public static FieldValue Null(FieldType type) => new(type, true);

    /// <summary>The count (<see cref="FieldType.Integer"/>).</summary>
    public long Integer => Type == FieldType.Integer && !IsNull ? _integer : throw Wrong(FieldType.Integer);

    /// <summary>The number as a double (<see cref="FieldType.Integer"/> or <see cref="FieldType.Double"/>).</summary>
    public double Number => Type switch
    {
        FieldType.Integer when !IsNull => _integer,
        FieldType.Double when !IsNull => _double,
        _ => throw Wrong(FieldType.Double),
    };

    /// <summary>The string, or null (<see cref="FieldType.String"/>).</summary>
    public string? String => Type == FieldType.String ? (string?)_reference : throw Wrong(FieldType.String);

    /// <summary>The flag (<see cref="FieldType.Bool"/>).</summary>
    public bool Bool => Type == FieldType.Bool && !IsNull ? _integer != 0 : throw Wrong(FieldType.Bool);

    /// <summary>The strings (<see cref="FieldType.StringList"/>).</summary>
    public IReadOnlyList<string> Strings =>
        Type == FieldType.StringList && !IsNull ? (IReadOnlyList<string>)_reference! : throw Wrong(FieldType.StringList);

    /// <summary>True for an integer or a double that is not null.</summary>
    public bool IsNumber => !IsNull && Type is FieldType.Integer or FieldType.Double;

    /// <summary>
    /// The number's exact value as the document writes it (a double by its shortest round-trip text, so
    /// 0.1 + 0.2 is 0.30000000000000004, not 0.3); false where decimal cannot hold it.
    /// </summary>
    public bool TryGetDecimal(out decimal value)
    {
        if (Type == FieldType.Integer && !IsNull)
        {
            value = _integer;
            return true;
        }
        value = 0;
        return Type == FieldType.Double && !IsNull
            && decimal.TryParse(_double.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The value as a JSON node (null for JSON null): the document's form.</summary>
    public JsonNode? ToJsonNode()
    {
        if (IsNull)
        {
            return null;
        }
        switch (Type)
        {
            case FieldType.Integer:
                return _narrow ? JsonValue.Create((int)_integer) : JsonValue.Create(_integer);
            case FieldType.Double:
                return JsonValue.Create(_double);
            case FieldType.String:
                return JsonValue.Create((string)_reference!);
            case FieldType.Bool:
                return JsonValue.Create(_integer != 0);
            case FieldType.StringList:
            {
                var array = new JsonArray();
                foreach (var s in (IReadOnlyList<string>)_reference!)
                {
                    array.Add((JsonNode?)JsonValue.Create(s));
                }
                return array;
            }
            case FieldType.RepeatLevels:
            {
                var array = new JsonArray();
                foreach (var (iteration, inner) in (IReadOnlyList<(int, int)>)_reference!)
                {
                    array.Add((JsonNode)new JsonObject { [ResultFields.Iteration.Key] = iteration, [ResultFields.Inner.Key] = inner });
                }
                return array;
            }
            default:
                throw new InvalidOperationException($"unknown field type {Type}");
        }
    }

    /// <summary>The value as compact JSON text (<c>255</c>, <c>"EINVAL"</c>, <c>null</c>), as miss messages and summaries print it.</summary>
    public string ToJsonText() => ToJsonNode()?.ToJsonString() ?? "null";

    /// <inheritdoc/>
    public override string ToString() => ToJsonText();

    private InvalidOperationException Wrong(FieldType wanted) =>
        new($"a {(IsNull ? "null " : "")}{Type} value read as {wanted}");
}
