using System.Text.Json.Nodes;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Tests.Scenarios;

/// <summary>The result document's keys, their order and the rules for failed steps, repeats and timing, on a fake machine.</summary>
public class ResultShapeTests
{
    private const string EveryOp = """
        { "name": "shape", "seed": 42, "payload": "bytes",
          "devices": [ { "name": "gpu0", "pages": 4096 }, { "name": "npu", "pages": 100 } ],
          "steps": [
            { "op": "process", "name": "p" },
            { "op": "mmap", "proc": "p", "vma": "buf", "pages": 1024, "kind": "anon" },
            { "op": "touch", "proc": "p", "vma": "buf", "access": "write" },
            { "op": "fork", "proc": "p", "child": "c" },
            { "op": "pin", "proc": "p", "vma": "buf", "every": 4 },
            { "op": "unpin", "proc": "p", "vma": "buf", "every": 4 },
            { "op": "lock", "proc": "p", "vma": "buf", "every": 8 },
            { "op": "unlock", "proc": "p", "vma": "buf", "every": 8 },
            { "op": "swapout", "proc": "c", "vma": "buf", "count": 10 },
            { "op": "mprotect", "proc": "p", "vma": "buf", "prot": "r" },
            { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0" },
            { "op": "verify", "proc": "p", "vma": "buf", "pattern": "seq", "salt": 1 },
            { "op": "stats" },
            { "op": "check" },
            { "op": "munmap", "proc": "c", "vma": "buf" }
          ] }
        """;

    private static readonly string[] Reasons =
    [
        "hole", "swap", "already-on-target", "device-immovable", "compound", "locked",
        "pinned", "isolate", "unmap", "alloc", "file-unaddressable", "migrate-page", "not-selected", "file-to-device", "zero-page",
    ];

    private static ScenarioResult Run(string json, FakeMachine? machine = null, bool check = false)
    {
        var scenario = ScenarioLoader.Parse(json, "x");
        return ScenarioRunner.Run(scenario, machine ?? new FakeMachine(scenario.Machine), check);
    }

    private static string[] Keys(JsonNode? o) => o!.AsObject().Select(p => p.Key).ToArray();

    [Fact]
    public void TopLevelKeysInOrder()
    {
        var json = Run(EveryOp).ToJson();
        Assert.Equal(["scenario", "engine", "profile", "seed", "payload", "setupMs", "ok", "steps"], Keys(json));
        Assert.Equal("shape", (string?)json["scenario"]);
        Assert.Equal("fake", (string?)json["engine"]);
        Assert.Equal(42, (int?)json["seed"]);
        Assert.Equal("bytes", (string?)json["payload"]);
        Assert.True((bool?)json["ok"]);
        Assert.Equal(15, json["steps"]!.AsArray().Count);
    }

    [Fact]
    public void EveryOpHasItsKeysInOrder()
    {
        var steps = Run(EveryOp).ToJson()["steps"]!.AsArray();
        string[] Tail = ["wallMs", "error", "expectFailures"];
        string[] Expected(params string[] fields) => ["index", "op", .. fields, .. Tail];
        Assert.Equal(Expected(), Keys(steps[0]));
        Assert.Equal(Expected(), Keys(steps[1]));
        Assert.Equal(Expected("faults"), Keys(steps[2]));
        Assert.Equal(["new", "swap", "device", "cow"], Keys(steps[2]!["faults"]));
        Assert.Equal(Expected(), Keys(steps[3]));
        for (var i = 4; i <= 7; i++)
        {
            Assert.Equal(Expected("pages"), Keys(steps[i]));
        }
        Assert.Equal(Expected("swapped"), Keys(steps[8]));
        Assert.Equal(Expected(), Keys(steps[9]));
        Assert.Equal(Expected("requested", "migrated", "holesInserted", "reasons", "tlbFlushes", "costs", "copy"), Keys(steps[10]));
        Assert.Equal(["unmapFlushes", "invalidations", "lruDrainAll", "walks"], Keys(steps[10]!["costs"]));
        Assert.Equal(Reasons, Keys(steps[10]!["reasons"]));
        Assert.Equal(["pages", "bytes", "batches", "deviceTimeUs"], Keys(steps[10]!["copy"]));
        Assert.Equal(Expected("checked", "mismatches", "resident"), Keys(steps[11]));
        Assert.Equal(["hole", "ram", "swap", "zero", "gpu0", "npu"], Keys(steps[11]!["resident"]));
        Assert.Equal(Expected("ram", "devices", "pinned", "locked", "swapCache"), Keys(steps[12]));
        Assert.Equal(["used", "free"], Keys(steps[12]!["ram"]));
        Assert.Equal(["gpu0", "npu"], Keys(steps[12]!["devices"]));
        Assert.Equal(["used", "free", "mirrored"], Keys(steps[12]!["devices"]!["gpu0"]));
        Assert.Equal(Expected("violations", "details"), Keys(steps[13]));
        Assert.Equal(Expected(), Keys(steps[14]));
        for (var i = 0; i < steps.Count; i++)
        {
            Assert.Equal(i, (int?)steps[i]!["index"]);
            Assert.Null(steps[i]!["error"]);
            Assert.Empty(steps[i]!["expectFailures"]!.AsArray());
        }
    }

    [Fact]
    public void ValuesComeFromTheMachine()
    {
        var steps = Run(EveryOp, check: false).ToJson()["steps"]!.AsArray();
        Assert.Equal(1024, (long?)steps[2]!["faults"]!["new"]);
        Assert.Equal(256, (long?)steps[4]!["pages"]);
        Assert.Equal(128, (long?)steps[6]!["pages"]);
        Assert.Equal(10, (long?)steps[8]!["swapped"]);
        Assert.Equal(2, (long?)steps[10]!["tlbFlushes"]);
        Assert.Equal(12.346, (double?)steps[10]!["copy"]!["deviceTimeUs"]);
        Assert.Equal(4096 * 1024L, (long?)steps[10]!["copy"]!["bytes"]);
        Assert.Equal(1024, (long?)steps[11]!["resident"]!["ram"]);
        Assert.Equal(11, (long?)steps[12]!["devices"]!["npu"]!["used"]);
        Assert.Equal(89, (long?)steps[12]!["devices"]!["npu"]!["free"]);
        Assert.Equal(1_048_575, (long?)steps[12]!["ram"]!["free"]);
        Assert.Equal(3, (long?)steps[12]!["locked"]);
        Assert.Equal(0, (long?)steps[13]!["violations"]);
    }

    [Fact]
    public void FailedStepsPrintTheErrnoAndZeros()
    {
        var steps = Run("""
            { "devices": [ { "name": "gpu0", "pages": 64 } ], "steps": [
              { "op": "process", "name": "p" },
              { "op": "mmap", "proc": "p", "vma": "buf", "pages": 8, "kind": "anon" },
              { "op": "touch", "proc": "p", "vma": "buf", "count": 9, "access": "read", "expect": { "error": "EFAULT", "faults.new": 0 } },
              { "op": "migrate", "proc": "p", "vma": "buf", "first": 8, "to": "gpu0", "expect": { "error": "EINVAL" } },
              { "op": "verify", "proc": "p", "vma": "buf", "first": 4, "count": 5, "pattern": "zero" }
            ] }
            """).ToJson()["steps"]!.AsArray();
        Assert.Equal("EFAULT", (string?)steps[2]!["error"]);
        Assert.Equal(0, (long?)steps[2]!["faults"]!["new"]);
        Assert.Empty(steps[2]!["expectFailures"]!.AsArray());
        Assert.Equal("EINVAL", (string?)steps[3]!["error"]);
        Assert.Equal(0, (long?)steps[3]!["requested"]);
        Assert.All(steps[3]!["reasons"]!.AsObject(), r => Assert.Equal(0, (long?)r.Value));
        Assert.Equal("EFAULT", (string?)steps[4]!["error"]);
        Assert.Equal(0, (long?)steps[4]!["checked"]);
    }

    [Fact]
    public void RepeatNumbersInnerStepsByTheRepeatIndexIterationAndInner()
    {
        var r = Run("""
            { "steps": [
              { "op": "stats" },
              { "op": "repeat", "times": 3, "steps": [ { "op": "stats" }, { "op": "check" } ] },
              { "op": "check" }
            ] }
            """);
        var steps = r.ToJson()["steps"]!.AsArray();
        Assert.Equal(8, steps.Count);
        Assert.Equal(["index", "op"], Keys(steps[0]).Take(2));
        for (var k = 0; k < 6; k++)
        {
            var s = steps[1 + k]!;
            Assert.Equal(["index", "iteration", "inner", "op"], Keys(s).Take(4));
            Assert.Equal(1, (int?)s["index"]);
            Assert.Equal(k / 2, (int?)s["iteration"]);
            Assert.Equal(k % 2, (int?)s["inner"]);
            Assert.Equal(k % 2 == 0 ? "stats" : "check", (string?)s["op"]);
        }
        Assert.Equal(2, (int?)steps[7]!["index"]);
        Assert.Null(steps[7]!["iteration"]);
    }

    [Fact]
    public void NestedRepeatStepsCarryTheOuterPairAndTheDeeperLevels()
    {
        var r = Run("""
            { "steps": [
              { "op": "repeat", "times": 2, "steps": [
                { "op": "stats" },
                { "op": "repeat", "times": 3, "steps": [ { "op": "check" } ] }
              ] }
            ] }
            """);
        var steps = r.ToJson()["steps"]!.AsArray();
        Assert.Equal(8, steps.Count); // per outer pass: stats, then check three times
        var labels = r.Steps.Select(s => s.Label).ToArray();
        Assert.Equal(["0.0.0", "0.0.1.0.0", "0.0.1.1.0", "0.0.1.2.0", "0.1.0", "0.1.1.0.0", "0.1.1.1.0", "0.1.1.2.0"], labels);
        var deep = steps[3]!;
        Assert.Equal(["index", "iteration", "inner", "nested", "op"], Keys(deep).Take(5));
        Assert.Equal(2, (int?)deep["nested"]![0]!["iteration"]);
        Assert.Equal(0, (int?)deep["nested"]![0]!["inner"]);
        Assert.Null(steps[0]!["nested"]);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void SetupMsTimesTheMachineBuildAndIsATimingField(string engine)
    {
        var r = ScenarioRunner.Run(ScenarioLoader.Parse(EveryOp, "every-op"), engine);
        Assert.True(r.SetupMs > 0, $"setupMs {r.SetupMs}");
        Assert.Equal(r.SetupMs, (double?)r.ToJson()["setupMs"]);
        Assert.Equal(0.0, (double?)r.ToJson(includeTiming: false)["setupMs"]);
        // A caller that built the machine itself passes its own time (the command line does).
        var given = ScenarioRunner.Run(ScenarioLoader.Parse(EveryOp, "every-op"), new FakeMachine(ScenarioLoader.Parse(EveryOp, "x").Machine), setupMs: 12.3456);
        Assert.Equal(12.346, given.SetupMs);
    }

    [Fact]
    public void WithoutTimingTheTimingFieldsReadZeroAndNothingElseChanges()
    {
        var r = Run(EveryOp);
        var timed = r.ToJson();
        var plain = r.ToJson(includeTiming: false);
        foreach (var s in plain["steps"]!.AsArray())
        {
            Assert.Equal(0.0, (double?)s!["wallMs"]);
        }
        Assert.Equal(0.0, (double?)plain["steps"]![10]!["copy"]!["deviceTimeUs"]);
        Assert.Equal(12.346, (double?)timed["steps"]![10]!["copy"]!["deviceTimeUs"]);
        // Zero the same fields by hand in the timed document: the rest must be identical.
        foreach (var s in timed["steps"]!.AsArray())
        {
            s!["wallMs"] = 0.0;
        }
        timed["steps"]![10]!["copy"]!["deviceTimeUs"] = 0.0;
        timed["setupMs"] = 0.0;
        Assert.Equal(timed.ToJsonString(), plain.ToJsonString());
        Assert.Equal(r.ToJsonString(includeTiming: false), r.ToJsonString(includeTiming: false));
    }

    [Fact]
    public void CheckingEveryStepAddsInvariantsAndAViolationFailsTheRun()
    {
        var scenario = ScenarioLoader.Parse("""{ "steps": [ { "op": "process", "name": "p" }, { "op": "stats" } ] }""", "x");
        var clean = ScenarioRunner.Run(scenario, new FakeMachine(scenario.Machine), checkEveryStep: true);
        Assert.True(clean.Ok);
        var step = clean.ToJson()["steps"]![1]!;
        Assert.Equal(["index", "op", "ram", "devices", "pinned", "locked", "swapCache", "invariants", "wallMs", "error", "expectFailures"], Keys(step));
        Assert.Equal(["violations", "details"], Keys(step["invariants"]));

        var broken = ScenarioRunner.Run(scenario, new FakeMachine(scenario.Machine) { Violations = 2 }, checkEveryStep: true);
        Assert.False(broken.Ok);
        Assert.False((bool?)broken.ToJson()["ok"]);
        Assert.Equal(2, (long?)broken.ToJson()["steps"]![0]!["invariants"]!["violations"]);
        Assert.Equal("fake violation 1", (string?)broken.ToJson()["steps"]![0]!["invariants"]!["details"]![1]);
    }

    [Fact]
    public void WithoutCheckingThereIsNoInvariantsKeyButACheckStepWithViolationsFails()
    {
        var scenario = ScenarioLoader.Parse("""{ "steps": [ { "op": "stats" }, { "op": "check" } ] }""", "x");
        var machine = new FakeMachine(scenario.Machine) { Violations = 1 };
        var r = ScenarioRunner.Run(scenario, machine);
        Assert.Null(r.ToJson()["steps"]![0]!["invariants"]);
        Assert.True(r.Steps[0].Ok);
        Assert.False(r.Steps[1].Ok);
        Assert.False(r.Ok);
        Assert.Equal(["stats", "check"], machine.Calls);
    }

    [Fact]
    public void DeviceMirrorOpsRunOnAnyMachineAndAFailedOneReportsZeros()
    {
        var scenario = ScenarioLoader.Parse("""
            { "devices": [ { "name": "gpu0", "pages": 8 } ],
              "steps": [ { "op": "process", "name": "p" }, { "op": "mmap", "proc": "p", "vma": "a", "pages": 4, "kind": "anon" },
                         { "op": "repeat", "times": 2, "steps": [ { "op": "evict", "device": "gpu0" } ] },
                         { "op": "device-read", "device": "gpu0", "proc": "p", "vma": "a", "pattern": "zero" },
                         { "op": "device-write", "device": "gpu0", "proc": "p", "vma": "a", "first": 2, "count": 3 } ] }
            """, "x");
        var machine = new FakeMachine(scenario.Machine);
        var r = ScenarioRunner.Run(scenario, machine).ToJson();
        Assert.Equal(["process", "mmap", "evict", "evict", "device-read", "device-write"], machine.Calls);
        Assert.Equal(7, r["steps"]![2]!["migrated"]!.GetValue<long>());
        Assert.Equal(4, r["steps"]![4]!["pages"]!.GetValue<long>());
        Assert.Equal("EFAULT", r["steps"]![5]!["error"]!.GetValue<string>());
        Assert.Equal(0, r["steps"]![5]!["pages"]!.GetValue<long>());
    }

    [Fact]
    public void RunByEngineNameRejectsUnknownEngines()
    {
        var scenario = ScenarioLoader.Parse("""{ "steps": [] }""", "x");
        Assert.Throws<ArgumentException>(() => ScenarioRunner.Run(scenario, "gpu"));
    }
}
