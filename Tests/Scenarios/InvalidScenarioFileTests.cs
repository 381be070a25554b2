using System.Text.RegularExpressions;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Tests.Scenarios;

/// <summary>Every file under an <c>invalid</c> folder is rejected at load, and the message starts with the path its first line names.</summary>
public class InvalidScenarioFileTests
{
    public static TheoryData<string> Files() => new(ScenarioFiles.Invalid());

    [Theory]
    [MemberData(nameof(Files))]
    public void IsRejectedNamingItsPath(string file)
    {
        var expected = ExpectedPath(File.ReadLines(ScenarioFiles.Full(file)).First());
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile(ScenarioFiles.Full(file)));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        var next = e.Message.Length > expected.Length ? e.Message[expected.Length] : ':';
        Assert.True(next is ':' or ' ', $"'{e.Message}' names more than {expected}");
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void TheSharedZeroCountFileNamesStepsThreeCount()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile(ScenarioFiles.Full("shared/invalid/zero-count.json")));
        Assert.Equal("steps[3].count", e.Path);
        Assert.Equal("steps[3].count: must be at least 1", e.Message);
    }

    [Fact]
    public void ThereAreInvalidFilesToTest() => Assert.True(ScenarioFiles.Invalid().Count() >= 40);

    /// <summary><c>// expect: PATH</c>, or the shared files' prose form "... names PATH."</summary>
    private static string ExpectedPath(string firstLine)
    {
        const string Marker = "// expect:";
        if (firstLine.StartsWith(Marker, StringComparison.Ordinal))
        {
            return firstLine[Marker.Length..].Trim();
        }
        var m = Regex.Match(firstLine, @"names (\S+?)\.?\s*$");
        Assert.True(m.Success, $"first line names no expected path: {firstLine}");
        return m.Groups[1].Value;
    }
}
