using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// One <c>--set PATH=V1,V2,…</c>: a JSON path into the scenario document and the values it takes. A value is a
/// JSON scalar when it reads as one (<c>64</c>, <c>2.5</c>, <c>true</c>, <c>"a,b"</c>), an integer range
/// <c>A..B</c> (both ends included), or else a bare string (<c>gpu0</c>).
/// </summary>
/// <param name="Path">The JSON path as given, e.g. <c>devices[0].maxBatchPages</c>; also the table column name.</param>
/// <param name="Values">The values in the order given, ranges expanded.</param>
public sealed record SweepParameter(string Path, IReadOnlyList<JsonNode?> Values)
{
    /// <summary>More values than this in one <c>--set</c> is almost surely a typo in a range.</summary>
    public const int MaxValues = 100_000;

    /// <summary>Parses the text after <c>--set</c>; a problem is a <see cref="SweepException"/> naming it.</summary>
    public static SweepParameter Parse(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0)
        {
            throw new SweepException($"--set '{text}': expected PATH=V1,V2,… (e.g. devices[0].maxBatchPages=64,128)");
        }
        var path = text[..eq].Trim();
        JsonPath.Parse(path);
        var values = new List<JsonNode?>();
        foreach (var token in SplitValues(text[(eq + 1)..]))
        {
            if (token.Length == 0)
            {
                throw new SweepException($"--set {path}: empty value in '{text[(eq + 1)..]}'");
            }
            if (TryRange(token, out var from, out var to))
            {
                // Counted in decimal and stepped by offset: to - from and v++ wrap near the ends of long.
                if (to < from || (decimal)to - from >= MaxValues)
                {
                    throw new SweepException($"--set {path}: bad range '{token}' (need A..B with A <= B and at most {MaxValues} values)");
                }
                for (long k = 0, n = to - from; k <= n; k++)
                {
                    values.Add(JsonValue.Create(from + k));
                }
                continue;
            }
            var value = Scalar(token);
            if (value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String)
            {
                try
                {
                    v.GetValue<string>();
                }
                catch (InvalidOperationException)
                {
                    throw new SweepException($"--set {path}: '{token}' holds a lone UTF-16 surrogate, which is no Unicode text");
                }
            }
            values.Add(value);
        }
        if (values.Count == 0)
        {
            throw new SweepException($"--set {path}: no values");
        }
        return new SweepParameter(path, values);
    }

    /// <summary>The kind of this parameter's table column: Int64 when every value is an integer, Double when every one is a number, else String.</summary>
    public ColumnKind ColumnKind
    {
        get
        {
            var kind = Tables.ColumnKind.Int64;
            foreach (var v in Values)
            {
                if (v is not JsonValue jv || jv.GetValueKind() != JsonValueKind.Number)
                {
                    return Tables.ColumnKind.String;
                }
                if (!jv.TryGetValue<long>(out _) && !long.TryParse(jv.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    kind = Tables.ColumnKind.Double;
                }
            }
            return kind;
        }
    }

    /// <summary>The table cell of value <paramref name="i"/> for <see cref="ColumnKind"/>.</summary>
    public object? Cell(int i)
    {
        var v = Values[i];
        return ColumnKind switch
        {
            Tables.ColumnKind.Int64 => long.Parse(v!.ToJsonString(), CultureInfo.InvariantCulture),
            Tables.ColumnKind.Double => double.Parse(v!.ToJsonString(), CultureInfo.InvariantCulture),
            _ => Label(i),
        };
    }

    /// <summary>Value <paramref name="i"/> as people read it: a string without quotes, anything else as JSON.</summary>
    public string Label(int i) =>
        Values[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : Values[i]?.ToJsonString() ?? "null";

    private static JsonNode? Scalar(string token)
    {
        try
        {
            var node = JsonNode.Parse(token);
            if (node is JsonValue or null)
            {
                return node;
            }
        }
        catch (JsonException)
        {
        }
        return JsonValue.Create(token);
    }

    private static bool TryRange(string token, out long from, out long to)
    {
        from = to = 0;
        var dots = token.IndexOf("..", StringComparison.Ordinal);
        return dots > 0
            && long.TryParse(token[..dots], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out from)
            && long.TryParse(token[(dots + 2)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out to);
    }

    /// <summary>Splits on commas outside double quotes, so a quoted JSON string may hold one.</summary>
    private static List<string> SplitValues(string s)
    {
        var parts = new List<string>();
        var start = 0;
        var inString = false;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '"' && (i == 0 || s[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (s[i] == ',' && !inString)
            {
                parts.Add(s[start..i].Trim());
                start = i + 1;
            }
        }
        parts.Add(s[start..].Trim());
        return parts;
    }
}
