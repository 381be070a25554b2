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

    /// <summary>A count option whose value must lie in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int?> Count(string name, string description, int min, int max)
    {
        var o = new Option<int?>(name) { Description = description, HelpName = "N" };
        o.Validators.Add(r =>
        {
            // An unparsable value is already System.CommandLine's error; only a number out of range is ours.
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, out var v) && (v < min || v > max))
            {
                r.AddError(max == int.MaxValue ? $"expected an integer of at least {min}, got {v}" : $"expected an integer from {min} to {max}, got {v}");
            }
        });
        return o;
    }

    /// <summary>A flag.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>An option with one string value.</summary>
    public static Option<string?> Text(string name, string helpName, string description, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };
}
