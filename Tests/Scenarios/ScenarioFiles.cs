namespace HmmEcs.Tests.Scenarios;

/// <summary>Finds the scenario files the test project copies to its output (Tests/scenarios/**).</summary>
internal static class ScenarioFiles
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "scenarios");

    /// <summary>
    /// Every runnable scenario (not under an <c>invalid</c> folder), relative to <see cref="Root"/>; the <c>scale</c>
    /// folder's 10^7–10^8-page runs belong to the benchmarks (BENCHMARKS.md), not to <c>dotnet test</c>.
    /// </summary>
    public static IEnumerable<string> Runnable() =>
        All().Where(f => !f.Split('/').Contains("invalid") && !f.Split('/').Contains("scale") && !f.Split('/').Contains("timing"));

    /// <summary>The runs timed by hand (Bench/scenarios/timing): loaded and checked by the tests, not run.</summary>
    public static IEnumerable<string> Timed() =>
        All().Where(f => f.Split('/').Contains("timing"));

    /// <summary>The scale runs (Bench/scenarios/scale): loaded and checked by the tests, run by the benchmarks.</summary>
    public static IEnumerable<string> Scale() =>
        All().Where(f => f.Split('/').Contains("scale"));

    /// <summary>Every file under an <c>invalid</c> folder, relative to <see cref="Root"/>.</summary>
    public static IEnumerable<string> Invalid() =>
        All().Where(f => f.Split('/').Contains("invalid"));

    public static string Full(string relative) => Path.Combine(Root, relative);

    private static IEnumerable<string> All() =>
        Directory.EnumerateFiles(Root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
}
