using System.Text.RegularExpressions;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.ScenarioLanguage.Loading;

namespace HmmEcs.Tests.Scenarios;

/// <summary>docs/scenarios.md, the language's specification, names every op, every field and every reason the code knows.</summary>
public class ScenarioDocTests
{
    private static readonly string Doc = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "scenarios.md"));

    public static TheoryData<string> Ops() => new(StepParser.Ops);

    [Theory]
    [MemberData(nameof(Ops))]
    public void EveryOpHasARowInTheStepsTable(string op)
    {
        // A row of the op table starts with the op in backticks (pin / unpin share one).
        Assert.Matches(new Regex($@"^\| `{Regex.Escape(op)}`|^\| `[a-z-]+` / `{Regex.Escape(op)}` \|", RegexOptions.Multiline), Doc);
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void EveryFieldOfEveryOpIsNamed(string op)
    {
        foreach (var field in StepParser.AllowedFields(op))
        {
            Assert.Contains($"`{field}`", Doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryTopLevelDeviceAndInjectFieldIsNamed()
    {
        foreach (var field in ScenarioLoader.TopFields.Concat(ScenarioLoader.DeviceFields).Concat(StepParser.InjectFields))
        {
            Assert.Contains($"`{field}`", Doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryReasonIsNamed()
    {
        for (var r = MigrateReason.Hole; (int)r < MigrateReasons.Count; r++)
        {
            Assert.Contains($"| `{r.Key()}` |", Doc, StringComparison.Ordinal);
        }
    }
}
