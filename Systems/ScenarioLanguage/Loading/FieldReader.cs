using System.Text.Json;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Loading;

/// <summary>
/// Reads the fields of one JSON object with their types and bounds, naming the JSON path of every
/// problem. Construction rejects unknown and duplicate fields, so a typo never passes silently.
/// </summary>
internal readonly struct FieldReader
{
    private readonly JsonElement _obj;

    /// <summary>Checks that <paramref name="obj"/> is an object with only <paramref name="allowed"/> fields.</summary>
    public FieldReader(JsonElement obj, string path, IReadOnlyList<string> allowed, string what)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            throw new ScenarioException(path, $"must be an object ({what}), got {Describe(obj)}");
        }
        _obj = obj;
        Path = path;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            var name = NameOf(p, path);
            if (!seen.Add(name))
            {
                throw new ScenarioException(Child(name), "duplicate field");
            }
            if (!Contains(allowed, name))
            {
                throw new ScenarioException(Child(name), $"unknown field for {what} (allowed: {string.Join(", ", allowed)})");
            }
        }
    }

    /// <summary>A property's name; a key holding a lone UTF-16 surrogate, which no .NET string can write back as JSON, is refused at the object's path.</summary>
    public static string NameOf(JsonProperty p, string path)
    {
        try
        {
            return p.Name;
        }
        catch (InvalidOperationException)
        {
            throw new ScenarioException(path, "a key holds a lone UTF-16 surrogate (an escaped \\ud800-\\udfff without its pair), which is no Unicode text");
        }
    }

    /// <summary>The object's JSON path.</summary>
    public string Path { get; }

    /// <summary>The path of a field of this object.</summary>
    public string Child(string field) => Path.Length == 0 ? field : $"{Path}.{field}";

    /// <summary>True when the field is present (JSON null counts as present).</summary>
    public bool Has(string field) => _obj.TryGetProperty(field, out _);

    /// <summary>The raw element of a present field.</summary>
    public bool TryGet(string field, out JsonElement value) => _obj.TryGetProperty(field, out value);

    /// <summary>A required field of any type.</summary>
    public JsonElement Required(string field) =>
        _obj.TryGetProperty(field, out var v) ? v : throw new ScenarioException(Child(field), "required field is missing");

    /// <summary>A required non-empty string.</summary>
    public string RequiredString(string field) => AsString(Required(field), Child(field));

    /// <summary>An optional string.</summary>
    public string? OptionalString(string field) =>
        _obj.TryGetProperty(field, out var v) ? AsString(v, Child(field)) : null;

    /// <summary>An integer field, at least <paramref name="min"/>; <paramref name="fallback"/> when absent (null: required).</summary>
    public long Integer(string field, long? fallback, long min, long max = long.MaxValue)
    {
        if (!_obj.TryGetProperty(field, out var v))
        {
            return fallback ?? throw new ScenarioException(Child(field), "required field is missing");
        }
        if (v.ValueKind != JsonValueKind.Number)
        {
            throw new ScenarioException(Child(field), $"must be an integer, got {Describe(v)}");
        }
        if (!v.TryGetInt64(out var x))
        {
            throw new ScenarioException(Child(field), $"must be an integer, got {v.GetRawText()}");
        }
        if (x < min)
        {
            throw new ScenarioException(Child(field), $"must be at least {min}");
        }
        if (x > max)
        {
            throw new ScenarioException(Child(field), $"must be at most {max}");
        }
        return x;
    }

    /// <summary>An optional 32-bit integer field, at least <paramref name="min"/>.</summary>
    public int Int32(string field, int fallback, int min) => (int)Integer(field, fallback, min, int.MaxValue);

    /// <summary>An unsigned 64-bit field (a content salt).</summary>
    public ulong Unsigned(string field, ulong fallback)
    {
        if (!_obj.TryGetProperty(field, out var v))
        {
            return fallback;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetUInt64(out var x))
        {
            throw new ScenarioException(Child(field), $"must be a non-negative integer, got {Describe(v)}");
        }
        return x;
    }

    /// <summary>A number field (fractions allowed) with a lower bound, exclusive or inclusive, and an upper bound.</summary>
    public double Number(string field, double fallback, double min, bool exclusive, double max = double.MaxValue)
    {
        if (!_obj.TryGetProperty(field, out var v))
        {
            return fallback;
        }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var x) || !double.IsFinite(x))
        {
            throw new ScenarioException(Child(field), $"must be a number, got {Describe(v)}");
        }
        if (exclusive ? x <= min : x < min)
        {
            throw new ScenarioException(Child(field), exclusive ? $"must be greater than {min}" : $"must be at least {min}");
        }
        if (x > max)
        {
            throw new ScenarioException(Child(field), $"must be at most {max} (docs/scenarios.md, \"Limits\")");
        }
        return x;
    }

    /// <summary>An optional boolean field.</summary>
    public bool Bool(string field, bool fallback)
    {
        if (!_obj.TryGetProperty(field, out var v))
        {
            return fallback;
        }
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new ScenarioException(Child(field), $"must be true or false, got {Describe(v)}"),
        };
    }

    /// <summary>A string field restricted to <paramref name="names"/>; returns the index of the name. <paramref name="fallback"/> -1: required.</summary>
    public int Choice(string field, IReadOnlyList<string> names, int fallback)
    {
        if (!_obj.TryGetProperty(field, out var v))
        {
            return fallback >= 0 ? fallback : throw new ScenarioException(Child(field), $"required field is missing (one of {string.Join(", ", names)})");
        }
        if (v.ValueKind == JsonValueKind.String)
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (TextEquals(v, names[i]))
                {
                    return i;
                }
            }
        }
        throw new ScenarioException(Child(field), $"must be one of {string.Join(", ", names)}, got {Describe(v)}");
    }

    /// <summary>True when the string <paramref name="v"/> is <paramref name="name"/>; one holding a lone UTF-16 surrogate (which cannot be read as text) is no name.</summary>
    public static bool TextEquals(JsonElement v, string name)
    {
        try
        {
            return v.ValueEquals(name);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Short description of a JSON value for messages: its text when short, else its kind.</summary>
    public static string Describe(JsonElement v)
    {
        var raw = v.GetRawText();
        return raw.Length <= 40 ? raw : v.ValueKind.ToString().ToLowerInvariant();
    }

    private static string AsString(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String)
        {
            throw new ScenarioException(path, $"must be a string, got {Describe(v)}");
        }
        // A lone UTF-16 surrogate (\ud800) cannot become a .NET string that later writes back as JSON.
        string s;
        try
        {
            s = v.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new ScenarioException(path, "must be valid Unicode (it holds a lone surrogate)");
        }
        if (s.Length > ScenarioLimits.MaxStringLength)
        {
            throw new ScenarioException(path, $"is {s.Length} characters long; at most {ScenarioLimits.MaxStringLength} (docs/scenarios.md, \"Limits\")");
        }
        return s.Length > 0 ? s : throw new ScenarioException(path, "must not be empty");
    }

    private static bool Contains(IReadOnlyList<string> list, string name)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == name)
            {
                return true;
            }
        }
        return false;
    }
}
