using HmmEcs.Systems.ScenarioLanguage;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Cli.Commands;

/// <summary>The parsed arguments of <c>hmmecs run</c>.</summary>
/// <param name="File">The scenario file, or null for the built-in quickstart.</param>
/// <param name="JsonOut">Where to write the result JSON: a path, <c>-</c> for stdout, or null for nowhere.</param>
/// <param name="Engine">The engine name.</param>
/// <param name="Check">Run the invariant checker after every step.</param>
internal sealed record RunArguments(string? File, string? JsonOut, string Engine, bool Check)
{
    /// <summary>Where <c>--report</c> writes its pictures and index.md, or null.</summary>
    public string? ReportDir { get; init; }

    /// <summary>Where <c>--trace</c> writes the Chrome trace-event JSON, or null.</summary>
    public string? TraceFile { get; init; }

    /// <summary>Parses the arguments after <c>run</c>; a problem is a one-line message in <paramref name="error"/>.</summary>
    public static RunArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        string? file = null, json = null, report = null, trace = null;
        var engine = MachineFactory.Engines[0];
        var check = false;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            string? inline = null;
            var eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                inline = a[(eq + 1)..];
                a = a[..eq];
            }
            switch (a)
            {
                case "--json":
                    if (!TakeValue(args, ref i, inline, a, out json, out error))
                    {
                        return null;
                    }
                    break;
                case "--report":
                    if (!TakeValue(args, ref i, inline, a, out report, out error))
                    {
                        return null;
                    }
                    break;
                case "--trace":
                    if (!TakeValue(args, ref i, inline, a, out trace, out error))
                    {
                        return null;
                    }
                    break;
                case "--engine":
                    if (!TakeValue(args, ref i, inline, a, out var e, out error))
                    {
                        return null;
                    }
                    if (!MachineFactory.Engines.Contains(e!))
                    {
                        error = $"unknown engine '{e}' (expected {string.Join(" or ", MachineFactory.Engines)})";
                        return null;
                    }
                    engine = e!;
                    break;
                case "--check":
                    if (inline is not null)
                    {
                        error = "--check takes no value";
                        return null;
                    }
                    check = true;
                    break;
                default:
                    if (a.StartsWith('-') && a != "-")
                    {
                        error = $"unknown option '{args[i]}' (see hmmecs help)";
                        return null;
                    }
                    if (file is not null)
                    {
                        error = $"only one scenario file may be given (got '{file}' and '{a}')";
                        return null;
                    }
                    file = a;
                    break;
            }
        }
        error = null;
        return new RunArguments(file, json, engine, check) { ReportDir = report, TraceFile = trace };
    }

    private static bool TakeValue(IReadOnlyList<string> args, ref int i, string? inline, string option, out string? value, out string? error)
    {
        value = inline;
        if (value is null && i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            value = args[++i];
        }
        if (string.IsNullOrEmpty(value))
        {
            error = $"{option} needs a value";
            return false;
        }
        error = null;
        return true;
    }
}
