using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Tests.Scenarios;

/// <summary>
/// docs/scenario.schema.json accepts every scenario file the repository ships and rejects the invalid files whose
/// fault a schema can see (an unknown field, a wrong type, a bad enum value, a missing field, a bound).
/// </summary>
public class SchemaValidationTests
{
    private readonly Json.Schema.JsonSchema _schema = ScenarioSchema.Build();

    /// <summary>Tests/scenarios and Bench/scenarios (scale and startup included), without the invalid folders.</summary>
    public static TheoryData<string> ValidFiles() => new(ScenarioFiles.Runnable().Concat(ScenarioFiles.Scale()).Concat(ScenarioFiles.Timed()));

    /// <summary>Invalid files whose problem is the shape of the JSON, not names or the run.</summary>
    public static TheoryData<string> SchemaVisiblyInvalidFiles() => new(
        "invalid/bad-access.json",
        "invalid/bad-allocation.json",
        "invalid/bad-enum.json",
        "invalid/bad-memory.json",
        "invalid/bad-pattern.json",
        "invalid/bad-payload.json",
        "invalid/bad-prot.json",
        "invalid/device-named-hole.json",
        "invalid/device-named-ram.json",
        "invalid/device-without-name.json",
        "invalid/device-zero-pages.json",
        "invalid/expect-not-object.json",
        "invalid/expect-object-value.json",
        "invalid/fractional-count.json",
        "invalid/inject-negative.json",
        "invalid/inject-unknown-field.json",
        "invalid/missing-op.json",
        "invalid/missing-steps.json",
        "invalid/missing-target.json",
        "invalid/negative-first.json",
        "invalid/negative-latency.json",
        "invalid/pages-as-string.json",
        "invalid/repeat-with-expect.json",
        "invalid/repeat-zero-times.json",
        "invalid/steps-not-array.json",
        "invalid/thp-as-string.json",
        "invalid/unknown-field.json",
        "invalid/unknown-op.json",
        "invalid/unknown-top-field.json",
        "invalid/zero-bandwidth.json",
        "invalid/zero-chunk-pages.json",
        "invalid/zero-copy-engines.json",
        "invalid/zero-every.json",
        "invalid/zero-max-batch.json",
        "invalid/zero-pages.json",
        "invalid/zero-ram.json",
        "shared/invalid/zero-count.json",
        "acceptance/invalid/device-named-ram.json",
        "acceptance/invalid/zero-count-in-repeat.json");

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void EveryShippedScenarioValidates(string file)
    {
        var errors = ScenarioSchema.Errors(_schema, File.ReadAllText(ScenarioFiles.Full(file)));
        Assert.True(errors.Length == 0, $"{file}:\n{errors}");
    }

    [Theory]
    [MemberData(nameof(SchemaVisiblyInvalidFiles))]
    public void AnInvalidFileTheSchemaCanSeeFailsIt(string file)
    {
        var text = File.ReadAllText(ScenarioFiles.Full(file));
        // Only files the loader rejects belong here; the schema must agree with it.
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(text, "probe"));
        Assert.NotEqual("", ScenarioSchema.Errors(_schema, text));
    }

    [Fact]
    public void TheValidFilesIncludeTheBenchmarkScenarios()
    {
        var files = ScenarioFiles.Runnable().Concat(ScenarioFiles.Scale()).Concat(ScenarioFiles.Timed()).ToList();
        Assert.Contains("scale/migrate-10m-pinned.json", files);
        Assert.Contains("startup/migrate-64.json", files);
        Assert.Contains("migrate-1m-pinned.json", files);
        Assert.True(files.Count >= 60, $"only {files.Count} scenario files found");
    }

    [Theory]
    [InlineData("""{ "steps": [ { "op": "stats", "expect": { "ram.used": 0 } } ] }""")]
    [InlineData("""{ "steps": [], "devices": [ { "name": "g", "pages": 1, "bandwidthGBps": 0.5, "latencyUs": 0 } ] }""")]
    [InlineData("""{ "steps": [ { "op": "stats", "expect": { "devices.gpu7.mirrored": 0, "error": null, "wallMs": 0.5 } } ] }""")]
    [InlineData("""{ "steps": [ { "op": "repeat", "times": 1, "steps": [ { "op": "repeat", "times": 2, "steps": [ { "op": "check", "expect": { "iteration": 0 } } ] } ] } ] }""")]
    [InlineData("""{ "devices": [ { "name": "g", "pages": 1 } ], "steps": [ { "op": "evict", "device": "g", "expect": { "migrated": 0, "error": "ENOMEM" } } ] }""")]
    public void ShapesTheLoaderAcceptsPass(string json)
    {
        ScenarioLoader.Parse(json, "probe");
        var errors = ScenarioSchema.Errors(_schema, json);
        Assert.True(errors.Length == 0, errors);
    }

    [Theory]
    [InlineData("""{ "steps": [ { "op": "migrate", "proc": "p", "vma": "b", "to": "g", "salt": 1 } ] }""")]
    [InlineData("""{ "steps": [ { "op": "device-write", "device": "g", "proc": "p", "vma": "b", "pattern": "seq" } ] }""")]
    [InlineData("""{ "steps": [ { "op": "touch", "proc": "p", "vma": "b", "access": "write", "salt": -1 } ] }""")]
    [InlineData("""{ "steps": [ { "op": "process", "name": "" } ] }""")]
    [InlineData("""{ "steps": [ { "op": "stats", "expect": { "a..b": 1 } } ] }""")]
    [InlineData("""{ "steps": [ { "op": "stats", "expect": { "ram.used": [0] } } ] }""")]
    [InlineData("""{ "ram": {}, "steps": [] }""")]
    [InlineData("""{ "seed": 2147483648, "steps": [] }""")]
    [InlineData("""{ "steps": [], "devices": [ { "name": "swap", "pages": 1 } ] }""")]
    [InlineData("""{ "steps": [ { "op": "repeat", "times": 1, "steps": [] } ] }""")]
    public void ShapesTheLoaderRejectsFail(string json)
    {
        Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(json, "probe"));
        Assert.NotEqual("", ScenarioSchema.Errors(_schema, json));
    }

    [Theory]
    [InlineData("""{ "steps": [ { "op": "stats", "expect": { "migrated": 1 } } ] }""")]
    [InlineData("""{ "steps": [ { "op": "stats", "expect": { "error": "ENOSPC" } } ] }""")]
    [InlineData("""{ "steps": [ { "op": "stats", "expect": { "pinned": "none" } } ] }""")]
    public void AnExpectationThatCanNeverHoldIsFlagged(string json)
    {
        // The loader takes these (they are misses when the step runs); the schema is stricter on purpose.
        ScenarioLoader.Parse(json, "probe");
        Assert.NotEqual("", ScenarioSchema.Errors(_schema, json));
    }
}
