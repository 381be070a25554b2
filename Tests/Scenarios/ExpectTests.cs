using System.Text.Json;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Tests.Scenarios;

public class ExpectTests
{
    /// <summary>
    /// A typed migrate step: index 4, requested 1024, migrated 768, pinned 256, copy.deviceTimeUs 1411.1, no error;
    /// and a boolean <c>flag</c>, which no op has, so that booleans are checked too.
    /// </summary>
    private static readonly StepResult Result = Migrate(ResultField.Custom("flag", FieldType.Bool, _ => FieldValue.Of(true)));

    private static StepResult Migrate(params FieldNode[] extra)
    {
        var m = new MigrateResult { Requested = 1024, Migrated = 768, Copy = new CopyStats { DeviceTimeUs = 1411.1 } };
        m.Reasons[(int)MigrateReason.Pinned] = 256;
        var fields = ResultFields.Step([.. ResultFields.Migrate, .. extra]);
        return new StepResult(4, null, null, "migrate", m, fields, [], Errno.None, 0.5);
    }

    private static List<string> Misses(string expectJson, StepResult? result = null)
    {
        using var doc = JsonDocument.Parse(expectJson);
        var expect = doc.RootElement.EnumerateObject()
            .Select(p => new Expectation(p.Name, ExpectedValue.TryFrom(p.Value, out var v) ? v : throw new ArgumentException(p.Name))).ToList();
        var misses = new List<string>();
        ExpectationChecker.Check(result ?? Result, expect, misses);
        return misses;
    }

    [Fact]
    public void ExactValuesHold() =>
        Assert.Empty(Misses("""
            { "migrated": 768, "reasons.pinned": 256, "reasons.already-on-target": 0, "error": null,
              "op": "migrate", "copy.deviceTimeUs": 1411.1, "flag": true, "requested": 1024.0 }
            """));

    [Fact]
    public void EachMissIsOneMessageNamingPathExpectedAndGot()
    {
        var misses = Misses("""{ "reasons.pinned": 255, "migrated": 768, "error": "EINVAL", "op": "touch" }""");
        Assert.Equal(
        [
            "reasons.pinned: expected 255, got 256",
            "error: expected \"EINVAL\", got null",
            "op: expected \"touch\", got \"migrate\"",
        ], misses);
    }

    [Fact]
    public void APathNotInTheResultIsAMiss()
    {
        var misses = Misses("""{ "reasons.stuck": 0, "faults.new": 1, "migrated.x": 1 }""");
        Assert.Equal(3, misses.Count);
        Assert.StartsWith("reasons.stuck: expected 0, got nothing", misses[0], StringComparison.Ordinal);
        Assert.StartsWith("migrated.x: expected 1, got nothing", misses[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "reasons": 1 }""", "reasons: expected 1, got an object")]
    [InlineData("""{ "migrated": "768" }""", "migrated: expected \"768\", got 768")]
    [InlineData("""{ "flag": 1 }""", "flag: expected 1, got true")]
    [InlineData("""{ "flag": false }""", "flag: expected false, got true")]
    [InlineData("""{ "error": 0 }""", "error: expected 0, got null")]
    [InlineData("""{ "requested": null }""", "requested: expected null, got 1024")]
    [InlineData("""{ "copy.deviceTimeUs": 1411 }""", "copy.deviceTimeUs: expected 1411, got 1411.1")]
    public void TypesMustMatch(string expect, string start) =>
        Assert.StartsWith(start, Assert.Single(Misses(expect)), StringComparison.Ordinal);

    [Fact]
    public void NumbersCompareAsTheDocumentWritesThem()
    {
        // 0.1 + 0.2 is written 0.30000000000000004: that is the value an expectation must name.
        var sum = Migrate(ResultField.Custom("sum", FieldType.Double, _ => FieldValue.Of(0.1 + 0.2)));
        Assert.Empty(Misses("""{ "sum": 0.30000000000000004 }""", sum));
        Assert.Equal(["sum: expected 0.3, got 0.30000000000000004"], Misses("""{ "sum": 0.3 }""", sum));
        Assert.Empty(Misses("""{ "requested": 1.024e3, "copy.deviceTimeUs": 1411.10 }"""));
    }

    [Fact]
    public void ListsAndObjectsAreShownShortened()
    {
        Assert.Equal(
        [
            "expectFailures: expected 0, got an array []",
            "reasons: expected null, got an object {\"hole\":0,\"swap\":0,\"already-on-target\":0,\"device-immovabl...",
            "expectFailures.0: expected 1, got nothing (no such field in the result)",
        ], Misses("""{ "expectFailures": 0, "reasons": null, "expectFailures.0": 1 }"""));
    }

    [Fact]
    public void AnExpectationOnExpectFailuresSeesTheListBeforeThisCheck()
    {
        var r = Migrate();
        var expect = new List<Expectation> { new("migrated", ExpectedValue.Of(1)), new("expectFailures", ExpectedValue.Of(0)) };
        ExpectationChecker.Check(r, expect, r.ExpectFailures);
        Assert.Equal(["migrated: expected 1, got 768", "expectFailures: expected 0, got an array []"], r.ExpectFailures);
    }

    [Fact]
    public void RunnerRecordsMissesPerStepAndFailsTheRun()
    {
        var scenario = ScenarioLoader.Parse("""
            { "steps": [
              { "op": "process", "name": "p" },
              { "op": "mmap", "proc": "p", "vma": "buf", "pages": 64, "kind": "anon" },
              { "op": "touch", "proc": "p", "vma": "buf", "access": "read", "expect": { "faults.new": 64, "error": null } },
              { "op": "pin", "proc": "p", "vma": "buf", "every": 2, "expect": { "pages": 31, "wallMs": -1, "index": 3 } },
              { "op": "stats", "expect": { "devices.gpu0.used": 0 } }
            ] }
            """, "x");
        var r = ScenarioRunner.Run(scenario, new FakeMachine(scenario.Machine));
        Assert.False(r.Ok);
        Assert.Empty(r.Steps[2].ExpectFailures);
        Assert.Equal(2, r.Steps[3].ExpectFailures.Count);
        Assert.Equal("pages: expected 31, got 32", r.Steps[3].ExpectFailures[0]);
        Assert.StartsWith("wallMs: expected -1, got ", r.Steps[3].ExpectFailures[1], StringComparison.Ordinal);
        Assert.StartsWith("devices.gpu0.used: expected 0, got nothing", Assert.Single(r.Steps[4].ExpectFailures), StringComparison.Ordinal);
        var json = r.ToJson();
        Assert.False((bool?)json["ok"]);
        Assert.Equal("pages: expected 31, got 32", (string?)json["steps"]![3]!["expectFailures"]![0]);
    }

    [Fact]
    public void ExpectationsSeeTheInvariantsWhenCheckingEveryStep()
    {
        var scenario = ScenarioLoader.Parse("""{ "steps": [ { "op": "stats", "expect": { "invariants.violations": 0 } } ] }""", "x");
        Assert.True(ScenarioRunner.Run(scenario, new FakeMachine(scenario.Machine), checkEveryStep: true).Ok);
        Assert.False(ScenarioRunner.Run(scenario, new FakeMachine(scenario.Machine), checkEveryStep: false).Ok);
    }
}
