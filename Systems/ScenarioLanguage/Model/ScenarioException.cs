namespace HmmEcs.Systems.ScenarioLanguage.Model;

/// <summary>
/// A scenario file that cannot run: unreadable, broken JSON, or invalid. <see cref="Path"/> names where
/// (a JSON path such as <c>steps[3].count</c>, or <c>line 4, column 7</c> for broken JSON) and the
/// message starts with it, so one line tells the user what to fix.
/// </summary>
public sealed class ScenarioException : Exception
{
    /// <summary>A problem at <paramref name="path"/>; the message reads <c>path: problem</c>.</summary>
    public ScenarioException(string path, string problem)
        : base(path.Length == 0 ? problem : $"{path}: {problem}")
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>Where the problem is: a JSON path, a line and column, or empty for the file as a whole.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; }
}
