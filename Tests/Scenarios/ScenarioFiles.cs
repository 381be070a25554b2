namespace HmmEcs.Tests.Scenarios;

/// <summary>Finds the scenario files the test project copies to its output (Tests/scenarios/**).</summary>
internal static class ScenarioFiles
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "scenarios");

    /// <summary>Every runnable scenario (not under an <c>invalid</c> folder), relative to <see cref="Root"/>.</summary>
    public static IEnumerable<string> Runnable() =>
        All().Where(f => !f.Split('/').Contains("invalid"));

    /// <summary>Every file under an <c>invalid</c> folder, relative to <see cref="Root"/>.</summary>
    public static IEnumerable<string> Invalid() =>
        All().Where(f => f.Split('/').Contains("invalid"));

    public static string Full(string relative) => Path.Combine(Root, relative);

    private static IEnumerable<string> All() =>
        Directory.EnumerateFiles(Root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
}
