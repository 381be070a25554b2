using HmmEcs.Cli.Commands;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Running;
using Spectre.Console;

namespace HmmEcs.Tests.Cli;

/// <summary>The terminal's step table, rendered to text by a Spectre console without colour at a fixed width.</summary>
public sealed class StepTableTests
{
    // The second migrate expects one page too many, so its row carries a miss.
    private const string Scenario = """
        { "name": "table", "seed": 1,
          "devices": [ { "name": "gpu0", "pages": 256, "copyEngines": 2, "maxBatchPages": 16 } ],
          "steps": [
            { "op": "process", "name": "p" },
            { "op": "mmap", "proc": "p", "vma": "buf", "pages": 128, "kind": "anon" },
            { "op": "touch", "proc": "p", "vma": "buf", "access": "write", "salt": 3 },
            { "op": "pin", "proc": "p", "vma": "buf", "every": 8 },
            { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0", "expect": { "migrated": 112 } },
            { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0", "first": 0, "count": 32, "expect": { "migrated": 1 } }
          ]
        }
        """;

    private static (string[] Lines, ScenarioResult Result) Render(int width)
    {
        var scenario = ScenarioLoader.Parse(Scenario, "table.json");
        ScenarioResult result;
        using (var machine = MachineFactory.Create("ecs", scenario.Machine))
        {
            result = ScenarioRunner.Run(scenario, machine, setupMs: 12.5);
        }
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(text),
        });
        console.Profile.Width = width;
        StepTable.Write(console, scenario.Machine, result);
        return (text.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'), result);
    }

    [Fact]
    public void OneRowPerStepAfterTheSetupWithTheSummarysNumbers()
    {
        var (lines, result) = Render(240);
        Assert.DoesNotContain(lines, l => l.Contains('\u001b'));
        var header = Assert.Single(lines, l => l.Contains("step", StringComparison.Ordinal) && l.Contains("wall ms", StringComparison.Ordinal));
        Assert.Matches(@"^│\s+step │ op\s+│ result\s+│ wall ms │ error / misses\s+│$", header);
        var rows = lines.Where(l => l.StartsWith('│') && l != header).ToArray();
        Assert.Equal(1 + result.Steps.Count, rows.Length);
        Assert.Matches(@"^│\s+│ setup\s+│ ram \d+ pages, gpu0 256 pages\s+│\s+12\.5 │\s+│$", rows[0]);
        for (var i = 0; i < result.Steps.Count; i++)
        {
            var s = result.Steps[i];
            var cells = rows[i + 1].Trim('│').Split('│').Select(c => c.Trim()).ToArray();
            Assert.Equal([s.Label, s.Op, StepSummary.Numbers(s), StepSummary.WallMs(s), string.Join(" ", StepSummary.Notes(s))], cells);
        }
        Assert.StartsWith("requested 128 migrated 112 pinned 16 ", StepSummary.Numbers(result.Steps[4]), StringComparison.Ordinal);
        Assert.Equal("", rows[5].Trim('│').Split('│')[4].Trim()); // the first migrate met its expectation
        Assert.Contains("MISS migrated: expected 1, got", rows[6], StringComparison.Ordinal);
    }

    [Fact]
    public void ANarrowTerminalWrapsTheCellsWithinItsWidth()
    {
        var (lines, _) = Render(72);
        Assert.All(lines, l => Assert.True(l.Length <= 72, $"{l.Length} columns: {l}"));
        Assert.Contains(lines, l => l.Contains("MISS", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("migrate", StringComparison.Ordinal));
    }
}
