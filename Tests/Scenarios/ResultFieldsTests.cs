using System.Text.Json.Nodes;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Tests.Scenarios;

/// <summary>The registry of result fields against the documents it writes: one name, one value, one place.</summary>
public class ResultFieldsTests
{
    private const string EveryOp = """
        { "devices": [ { "name": "gpu0", "pages": 4096 }, { "name": "npu", "pages": 100 } ],
          "steps": [
            { "op": "process", "name": "p" },
            { "op": "mmap", "proc": "p", "vma": "buf", "pages": 1024, "kind": "anon" },
            { "op": "touch", "proc": "p", "vma": "buf", "access": "write" },
            { "op": "pin", "proc": "p", "vma": "buf", "every": 4 },
            { "op": "swapout", "proc": "p", "vma": "buf", "count": 10 },
            { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0" },
            { "op": "verify", "proc": "p", "vma": "buf", "pattern": "seq", "salt": 1 },
            { "op": "repeat", "times": 1, "steps": [ { "op": "repeat", "times": 1, "steps": [ { "op": "stats" } ] } ] },
            { "op": "check" }
          ] }
        """;

    private static ScenarioResult Run(bool check = true)
    {
        var scenario = ScenarioLoader.Parse(EveryOp, "x");
        return ScenarioRunner.Run(scenario, new FakeMachine(scenario.Machine), check);
    }

    /// <summary>Every value of a JSON object by dotted path, depth first (arrays are values).</summary>
    private static IEnumerable<(string Path, JsonNode? Value)> Flatten(JsonObject o, string prefix = "")
    {
        foreach (var (key, value) in o)
        {
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            if (value is JsonObject inner)
            {
                foreach (var leaf in Flatten(inner, path))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (path, value);
            }
        }
    }

    [Fact]
    public void EveryValueOfTheDocumentIsARegisteredFieldReadTheSameWay()
    {
        foreach (var step in Run().Steps)
        {
            var doc = Flatten(step.ToJson()).ToList();
            var leaves = step.Fields.Leaves().Where(f => f.IsIn(step)).ToList();
            Assert.Equal(doc.Select(d => d.Path), leaves.Select(f => f.Path));
            foreach (var (path, value) in doc)
            {
                Assert.True(step.TryGet(path, out var typed), path);
                Assert.Equal(value?.ToJsonString() ?? "null", typed.ToJsonText());
            }
        }
    }

    [Fact]
    public void TimingFieldsAreTheWallTimeAndTheCopysDeviceTime()
    {
        var timing = Run().Steps.SelectMany(s => s.Fields.Leaves().Where(f => f.IsIn(s))).Where(f => f.IsTiming).Select(f => f.Path).Distinct();
        Assert.Equal(["copy.deviceTimeUs", "wallMs"], timing.Order());
    }

    [Fact]
    public void PerDeviceKeysFollowTheMachinesDevices()
    {
        var schema = new ResultSchema([new DeviceConfig("gpu0", 8), new DeviceConfig("npu", 8)]);
        Assert.Equal(["resident.hole", "resident.ram", "resident.swap", "resident.zero", "resident.gpu0", "resident.npu"],
            schema.Step("verify").Leaves().Select(f => f.Path).Where(p => p.StartsWith("resident.", StringComparison.Ordinal)));
        Assert.Equal(
            ["devices.gpu0.used", "devices.gpu0.free", "devices.gpu0.mirrored", "devices.npu.used", "devices.npu.free", "devices.npu.mirrored"],
            schema.Step("stats").Leaves().Select(f => f.Path).Where(p => p.StartsWith("devices.", StringComparison.Ordinal)));
        Assert.Same(schema.Step("stats"), schema.Step("stats"));
    }

    [Fact]
    public void ADotInADeviceNameStaysInsideItsKey()
    {
        var scenario = ScenarioLoader.Parse("""{ "devices": [ { "name": "gpu.0", "pages": 8 } ], "steps": [ { "op": "stats" } ] }""", "x");
        var step = ScenarioRunner.Run(scenario, new FakeMachine(scenario.Machine)).Steps[0];
        Assert.Equal(10, (long?)step.ToJson()["devices"]!["gpu.0"]!["used"]);
        Assert.False(step.TryGet("devices.gpu.0.free", out _));
    }

    [Fact]
    public void EveryRegisteredValueHasATitleAndCountsHaveAUnit()
    {
        var schema = new ResultSchema([new DeviceConfig("gpu0", 8)]);
        string[] ops = ["touch", "pin", "swapout", "migrate", "verify", "stats", "check", "device-read", "device-write", "snapshot", "evict", "process"];
        foreach (var op in ops)
        {
            foreach (var f in schema.Step(op).Leaves())
            {
                Assert.False(string.IsNullOrWhiteSpace(f.Title), f.Path);
                if (f.Type == FieldType.Integer && f.Path is not ("index" or "iteration" or "inner"))
                {
                    Assert.NotEqual(FieldUnits.None, f.Unit);
                }
            }
        }
    }

    [Fact]
    public void AStepKeepsAMigratesCountsButNotItsPerPageOutcomes()
    {
        var step = Run().Steps[5];
        var m = Assert.IsType<MigrateResult>(step.Result);
        Assert.Equal(1024, m.Requested);
        Assert.Empty(m.PageOutcomes);
    }
}
