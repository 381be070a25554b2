
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

    /// <summary>The <c>--profile</c> name replacing the scenario's, or null for the file's.</summary>
    public string? Profile { get; init; }

    /// <summary>Where <c>--trace</c> writes the Chrome trace-event JSON, or null.</summary>
    public string? TraceFile { get; init; }
}
