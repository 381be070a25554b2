using System.Text.Json.Nodes;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Tests.Scenarios;

/// <summary>
/// docs/scenario.schema.json says what the loader and the result registry say: the same fields on every object,
/// the same ops and enum values, and under each op's <c>expect</c> exactly the scalar paths its result has. A field
/// or result key added to the code without the schema fails here.
/// </summary>
public class SchemaSyncTests
{
    private readonly JsonObject _schema = ScenarioSchema.Node;

    private JsonObject Def(string name) => _schema["$defs"]![name]!.AsObject();

    private static string[] Keys(JsonNode? properties) => properties is JsonObject o ? o.Select(p => p.Key).Order(StringComparer.Ordinal).ToArray() : [];

    private static string[] Sorted(IEnumerable<string> names) => names.Order(StringComparer.Ordinal).ToArray();

    private static string[] Enum(JsonNode node) => node["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToArray();

    /// <summary>A property's own schema, following one <c>$ref</c> into <c>$defs</c>.</summary>
    private JsonObject Resolve(JsonNode node) =>
        node["$ref"] is { } r ? Def(r.GetValue<string>()["#/$defs/".Length..]) : node.AsObject();

    public static TheoryData<string> Ops() => new(StepParser.Ops);

    [Fact]
    public void TheObjectsOutsideStepsHaveTheLoadersFields()
    {
        Assert.Equal(Sorted(ScenarioLoader.TopFields), Keys(_schema["properties"]));
        Assert.Equal(Sorted(ScenarioLoader.RamFields), Keys(_schema["properties"]!["ram"]!["properties"]));
        Assert.Equal(Sorted(ScenarioLoader.DeviceFields), Keys(Def("device-config")["properties"]));
        Assert.Equal(Sorted(StepParser.InjectFields), Keys(Def("inject")["properties"]));
        foreach (var closed in new[] { _schema, _schema["properties"]!["ram"]!.AsObject(), Def("device-config"), Def("inject") })
        {
            Assert.False(closed["additionalProperties"]!.GetValue<bool>());
        }
    }

    [Fact]
    public void TheEnumsAreTheLoaders()
    {
        Assert.Equal(ScenarioLoader.Payloads, Enum(_schema["properties"]!["payload"]!));
        Assert.Equal(SemanticsProfiles.Names, Enum(_schema["properties"]!["profile"]!));
        Assert.Equal(ScenarioLoader.Allocations, Enum(Def("device-config")["properties"]!["allocation"]!));
        Assert.Equal(ScenarioLoader.Memories, Enum(Def("device-config")["properties"]!["memory"]!));
        Assert.Equal(StepParser.Kinds, Enum(Def("step-mmap")["properties"]!["kind"]!));
        Assert.Equal(StepParser.Accesses, Enum(Def("step-touch")["properties"]!["access"]!));
        Assert.Equal(StepParser.Prots, Enum(Def("prot")));
        Assert.Equal(StepParser.Patterns, Enum(Def("pattern")));
        Assert.Equal(StepParser.Ops, Enum(Def("step")["properties"]!["op"]!));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void EachOpHasExactlyTheParsersFields(string op)
    {
        var def = Def($"step-{op}");
        Assert.Equal(Sorted(StepParser.AllowedFields(op)), Keys(def["properties"]));
        Assert.False(def["additionalProperties"]!.GetValue<bool>());
        Assert.Equal(op, def["properties"]!["op"]!["const"]!.GetValue<string>());
        // The dispatcher sends this op to this definition.
        Assert.Contains(Def("step")["allOf"]!.AsArray(), branch =>
            branch!["if"]!["properties"]!["op"]!["const"]!.GetValue<string>() == op
            && branch["then"]!["$ref"]!.GetValue<string>() == $"#/$defs/step-{op}");
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void EachOpsExpectListsTheScalarPathsOfItsResult(string op)
    {
        if (op == "repeat")
        {
            Assert.Null(Def("step-repeat")["properties"]!["expect"]);
            return;
        }
        var expect = Resolve(Def($"step-{op}")["properties"]!["expect"]!);
        var listed = Keys(expect["properties"]).Concat(Keys(Def("expect-common")["properties"]));
        Assert.Equal("#/$defs/expect-common", expect["allOf"]![0]!["$ref"]!.GetValue<string>());
        Assert.False(expect["unevaluatedProperties"]!.GetValue<bool>());
        // A machine without devices: the per-device keys are patterns, checked below.
        Assert.Equal(Sorted(ScalarPaths(new ResultSchema([]).Step(op))), Sorted(listed));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void EveryScalarPathOfAStepWithDevicesPassesItsExpectAndNothingElseDoes(string op)
    {
        if (op == "repeat")
        {
            return;
        }
        var expectDef = Def($"step-{op}")["properties"]!["expect"]!["$ref"]!.GetValue<string>()["#/$defs/".Length..];
        var schema = ScenarioSchema.Definition(expectDef);
        var tree = new ResultSchema([new DeviceConfig("gpu0", 64), new DeviceConfig("nvme-1", 64)]).Step(op);
        var all = new JsonObject();
        foreach (var field in tree.Leaves().Where(IsScalar))
        {
            all[field.Path] = field.Path == "error" ? null : field.Type == FieldType.String ? "x" : 0;
        }
        var errors = ScenarioSchema.Errors(schema, all.ToJsonString());
        Assert.True(errors.Length == 0, errors);
        Assert.NotEqual("", ScenarioSchema.Errors(schema, """{ "no-such-key": 0 }"""));
    }

    [Fact]
    public void EveryValueAnExpectCanNameIsTyped()
    {
        foreach (var (name, def) in _schema["$defs"]!.AsObject().Where(d => d.Key.StartsWith("expect-", StringComparison.Ordinal)))
        {
            var values = (def!["properties"]?.AsObject() ?? []).Select(p => p.Value)
                .Concat((def["patternProperties"]?.AsObject() ?? []).Select(p => p.Value));
            foreach (var v in values)
            {
                Assert.True(v!["type"] is not null || v["enum"] is not null, $"{name}: an untyped path");
                Assert.NotNull(v["description"]);
            }
        }
    }

    private static IEnumerable<string> ScalarPaths(FieldGroup step) => step.Leaves().Where(IsScalar).Select(f => f.Path);

    /// <summary>An expect compares scalars; a path to a list is always a miss, so the schema does not offer one.</summary>
    private static bool IsScalar(ResultField f) => f.Type is not (FieldType.StringList or FieldType.RepeatLevels);
}
