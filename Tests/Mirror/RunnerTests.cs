using System.Text.Json.Nodes;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Mirror;

/// <summary>The runner runs the four mirror ops on both engines and prints docs/scenarios.md's result fields.</summary>
public class RunnerTests
{
    private const string Json = """
        { "devices": [ { "name": "gpu0", "pages": 64 } ],
          "steps": [
            { "op": "process", "name": "p" },
            { "op": "mmap", "proc": "p", "vma": "a", "pages": 8, "kind": "anon" },
            { "op": "mmap", "proc": "p", "vma": "r", "pages": 8, "kind": "anon", "prot": "r" },
            { "op": "device-write", "device": "gpu0", "proc": "p", "vma": "a", "salt": 2 },
            { "op": "device-read", "device": "gpu0", "proc": "p", "vma": "a", "pattern": "seq", "salt": 2 },
            { "op": "device-write", "device": "gpu0", "proc": "p", "vma": "r", "salt": 2 },
            { "op": "migrate", "proc": "p", "vma": "a", "count": 3, "to": "gpu0" },
            { "op": "snapshot", "device": "gpu0", "proc": "p", "vma": "a" },
            { "op": "evict", "device": "gpu0" },
            { "op": "stats" }
          ] }
        """;

    [Theory]
    [MemberData(nameof(MirrorRig.Engines), MemberType = typeof(MirrorRig))]
    public void MirrorOpsRunWithTheirResultFields(string engine)
    {
        var result = ScenarioRunner.Run(ScenarioLoader.Parse(Json, "x"), engine);
        var steps = result.ToJson(includeTiming: false)["steps"]!.AsArray();
        Assert.Equal("""{"pages":8,"faults":8}""", Fields(steps[3]!, "pages", "faults"));
        Assert.Equal("""{"pages":8,"faults":0,"mismatches":0}""", Fields(steps[4]!, "pages", "faults", "mismatches"));
        Assert.Equal("EPERM", (string?)steps[5]!["error"]);
        Assert.Equal(0L, (long)steps[5]!["pages"]!);
        Assert.Equal("""{"none":0,"read":0,"write":5,"huge":0,"device-local":3,"device-remote":0,"coherent-local":0,"coherent-remote":0,"error":0}""", steps[7]!["states"]!.ToJsonString());
        Assert.Equal(3L, (long)steps[8]!["migrated"]!);
        // The evicted pages' entries die; the five that stayed in RAM keep theirs.
        Assert.Equal(5L, (long)steps[9]!["devices"]!["gpu0"]!["mirrored"]!);
        Assert.True(result.Ok);
    }

    private static string Fields(JsonNode step, params string[] keys)
    {
        var o = new JsonObject();
        foreach (var k in keys)
        {
            o[k] = step[k]!.DeepClone();
        }
        return o.ToJsonString();
    }
}
