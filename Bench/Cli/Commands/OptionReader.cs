namespace HmmEcs.Cli.Commands;

/// <summary>
/// Splits a verb's arguments into options (<c>--name value</c> or <c>--name=value</c>, repeatable) and
/// positional arguments. Flags listed in <c>flags</c> take no value.
/// </summary>
internal sealed class OptionReader
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    private OptionReader()
    {
    }

    /// <summary>Positional arguments in order.</summary>
    public List<string> Positional { get; } = [];

    /// <summary>Parses <paramref name="args"/>; an unknown option or a missing value is a one-line <paramref name="error"/>.</summary>
    public static OptionReader? Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> options, IReadOnlyCollection<string> flags, out string? error)
    {
        var r = new OptionReader();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!a.StartsWith("--", StringComparison.Ordinal))
            {
                if (a.StartsWith('-') && a != "-")
                {
                    error = $"unknown option '{a}' (see hmmecs help)";
                    return null;
                }
                r.Positional.Add(a);
                continue;
            }
            string? inline = null;
            var eq = a.IndexOf('=');
            if (eq > 0)
            {
                inline = a[(eq + 1)..];
                a = a[..eq];
            }
            if (flags.Contains(a))
            {
                if (inline is not null)
                {
                    error = $"{a} takes no value";
                    return null;
                }
                r.Add(a, "");
                continue;
            }
            if (!options.Contains(a))
            {
                error = $"unknown option '{args[i]}' (see hmmecs help)";
                return null;
            }
            var value = inline;
            if (value is null && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            if (string.IsNullOrEmpty(value))
            {
                error = $"{a} needs a value";
                return null;
            }
            r.Add(a, value);
        }
        error = null;
        return r;
    }

    /// <summary>Every value given for <paramref name="option"/>.</summary>
    public IReadOnlyList<string> All(string option) => _values.TryGetValue(option, out var v) ? v : [];

    /// <summary>The value of <paramref name="option"/>, or null; given twice is an error.</summary>
    public string? One(string option)
    {
        var all = All(option);
        if (all.Count > 1)
        {
            throw new ArgumentException($"{option} given {all.Count} times");
        }
        return all.Count == 1 ? all[0] : null;
    }

    /// <summary>True when the flag was given.</summary>
    public bool Has(string flag) => _values.ContainsKey(flag);

    private void Add(string option, string value)
    {
        if (!_values.TryGetValue(option, out var list))
        {
            _values[option] = list = [];
        }
        list.Add(value);
    }
}
