using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// Where a result came from: the tool's version and commit, the scenario file's SHA-256, the command line, the
/// start and end time (UTC), the host, the OS and the .NET runtime. Sweep manifests and run documents carry it.
/// </summary>
public static class Provenance
{
    /// <summary>The tool's version without the commit (<c>1.0.0</c>).</summary>
    public static string Version => Informational.Split('+')[0];

    /// <summary>The commit the tool was built from, or <c>unknown</c> when it was built outside a git checkout.</summary>
    public static string Commit => Informational.Split('+') is [_, var c, ..] ? c : "unknown";

    // The SDK appends "+<commit>" to the informational version when the build runs in a git checkout.
    private static string Informational =>
        typeof(Provenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The provenance object: <paramref name="commandLine"/> is the tool's arguments, the verb first.</summary>
    public static JsonObject Of(string scenarioSha256, IReadOnlyList<string> commandLine, DateTime startedUtc, DateTime? endedUtc)
    {
        var args = new JsonArray((JsonNode)"hmmecs");
        foreach (var a in commandLine)
        {
            args.Add((JsonNode)a);
        }
        return new JsonObject
        {
            ["tool"] = "hmmecs",
            ["version"] = Version,
            ["commit"] = Commit,
            ["scenarioSha256"] = scenarioSha256,
            ["commandLine"] = args,
            ["startedUtc"] = Stamp(startedUtc),
            ["endedUtc"] = endedUtc is { } e ? Stamp(e) : null,
            ["host"] = Environment.MachineName,
            ["os"] = RuntimeInformation.OSDescription,
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
        };
    }

    private static string Stamp(DateTime utc) => utc.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
}
