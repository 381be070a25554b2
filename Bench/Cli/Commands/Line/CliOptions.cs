using System.Globalization;
using System.CommandLine;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Cli.Commands.Line;

/// <summary>Options several verbs share, made afresh for each verb (a System.CommandLine symbol has one parent).</summary>
internal static class CliOptions
{
    /// <summary><c>--engine ecs|reference</c>, default <c>ecs</c>.</summary>
    public static Option<string> Engine()
    {
        var o = new Option<string>("--engine")
        {
            Description = "The engine: ecs (the ECS pipeline) or reference (the plain scalar one)",
            HelpName = "ecs|reference",
            DefaultValueFactory = _ => MachineFactory.Engines[0],
        };
        o.AcceptOnlyFromAmong([.. MachineFactory.Engines]);
        return o;
    }

    /// <summary><c>--profile v13|v13-as-posted|mainline</c>: replaces the scenario's <c>profile</c>; none given, the file's.</summary>
    public static Option<string?> Profile()
    {
        var o = new Option<string?>("--profile")
        {
            Description = "The semantics profile, replacing the scenario's \"profile\" (docs/model.md, \"Profiles\"): v13 (the default), v13-as-posted or mainline",
            HelpName = string.Join('|', Systems.Machine.SemanticsProfiles.Names),
        };
        o.AcceptOnlyFromAmong([.. Systems.Machine.SemanticsProfiles.Names]);
        return o;
    }

    /// <summary>A count option whose value must be a whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int?> Count(string name, string description, int min, int max)
    {
        // Our own parser: System.CommandLine's would name the type System.Nullable`1[System.Int32] to the user.
        var o = new Option<int?>(name)
        {
            Description = description,
            HelpName = "N",
            CustomParser = r =>
            {
                if (r.Tokens.Count != 1)
                {
                    return null;
                }
                var text = r.Tokens[0].Value;
                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
                {
                    // Digits past long's range are a number, just far out of range.
                    var digits = text.TrimStart('-', '+');
                    r.AddError(digits.Length > 0 && digits.All(char.IsAsciiDigit)
                        ? $"{name}: {text} is out of range (at most {max})"
                        : $"{name}: '{text}' is not a whole number");
                    return null;
                }
                if (v < min || v > max)
                {
                    r.AddError(max == int.MaxValue ? $"{name}: expected an integer of at least {min}, got {v}" : $"{name}: expected an integer from {min} to {max}, got {v}");
                    return null;
                }
                return (int)v;
            },
        };
        return o;
    }

    /// <summary>A flag; given twice it is a usage error, as a value option given twice is.</summary>
    public static Option<bool> Flag(string name, string description)
    {
        var o = new Option<bool>(name) { Description = description };
        o.Validators.Add(r =>
        {
            if (r.IdentifierTokenCount > 1)
            {
                r.AddError($"Option '{name}' may be given once but was given {r.IdentifierTokenCount} times.");
            }
        });
        return o;
    }

    /// <summary>An option with one string value.</summary>
    public static Option<string?> Text(string name, string helpName, string description, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };
}
