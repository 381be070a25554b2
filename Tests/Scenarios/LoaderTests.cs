using HmmEcs.Components.Memory;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Tests.Scenarios;

public class LoaderTests
{
    private const string Prelude = """
        { "op": "process", "name": "p" },
        { "op": "mmap", "proc": "p", "vma": "buf", "pages": 1024, "kind": "anon" },
        """;

    private static Scenario Load(string steps, string top = "", string devices = """[ { "name": "gpu0", "pages": 64 } ]""") =>
        ScenarioLoader.Parse($$"""{ {{top}} "devices": {{devices}}, "steps": [ {{Prelude}} {{steps}} ] }""", "inline");

    private static string Error(string steps, string top = "", string devices = """[ { "name": "gpu0", "pages": 64 } ]""") =>
        Assert.Throws<ScenarioException>(() => Load(steps, top, devices)).Message;

    [Fact]
    public void TopLevelDefaultsFollowScenariosMd()
    {
        var s = ScenarioLoader.Parse("""{ "steps": [] }""", "my-file");
        Assert.Equal("my-file", s.Name);
        Assert.Equal(1, s.Seed);
        Assert.Equal(PayloadMode.Token, s.Machine.Payload);
        Assert.Equal(1_048_576, s.Machine.RamPages);
        Assert.Empty(s.Machine.DeviceList);
        Assert.Empty(s.Steps);
    }

    [Fact]
    public void DeviceDefaultsFollowScenariosMd()
    {
        var d = Load("").Machine.DeviceList.Single();
        Assert.Equal(new DeviceConfig("gpu0", 64, 64, DeviceAllocation.Page, false, true, 1, 24, 5, 512), d);
    }

    [Fact]
    public void EveryDeviceFieldIsRead()
    {
        var s = Load("", devices: """
            [ { "name": "x", "pages": 100, "chunkPages": 8, "allocation": "chunk", "memory": "addressable",
                "movable": false, "copyEngines": 3, "bandwidthGBps": 12.5, "latencyUs": 0, "maxBatchPages": 7 } ]
            """);
        Assert.Equal(new DeviceConfig("x", 100, 8, DeviceAllocation.Chunk, true, false, 3, 12.5, 0, 7), s.Machine.DeviceList.Single());
    }

    [Fact]
    public void CommentsAndTrailingCommasAreAllowed()
    {
        var s = ScenarioLoader.Parse("""
            // leading comment
            { "name": "c", /* inline */ "seed": 9, "payload": "bytes", "ram": { "pages": 77, },
              "steps": [ { "op": "stats", }, ], }
            """, "x");
        Assert.Equal("c", s.Name);
        Assert.Equal(9, s.Seed);
        Assert.Equal(PayloadMode.Bytes, s.Machine.Payload);
        Assert.Equal(77, s.Machine.RamPages);
        Assert.IsType<StatsStep>(s.Steps.Single());
    }

    [Fact]
    public void StepFieldsAndDefaultsAreRead()
    {
        var s = Load("""
            { "op": "touch", "proc": "p", "vma": "buf", "first": 3, "count": 5, "access": "write", "salt": 18446744073709551615 },
            { "op": "pin", "proc": "p", "vma": "buf", "every": 8 },
            { "op": "unlock", "proc": "p", "vma": "buf" },
            { "op": "migrate", "proc": "p", "vma": "buf", "to": "ram", "inject": { "isolate": 2, "unmap": 3, "migrate-page": 4 } },
            { "op": "verify", "proc": "p", "vma": "buf", "pattern": "zero" },
            { "op": "mmap", "proc": "p", "vma": "f", "pages": 8, "kind": "file", "prot": "r", "thp": true },
            { "op": "mprotect", "proc": "p", "vma": "f", "prot": "rw" }
            """);
        var mmap = Assert.IsType<MmapStep>(s.Steps[1]);
        Assert.Equal((1024L, VmaKind.Anon, true, false), (mmap.Pages, mmap.Kind, mmap.Writable, mmap.Thp));
        var touch = Assert.IsType<TouchStep>(s.Steps[2]);
        Assert.Equal(new PageRange(3, 5), touch.Range);
        Assert.Equal((Access.Write, ulong.MaxValue), (touch.Access, touch.Salt));
        var pin = Assert.IsType<PinStep>(s.Steps[3]);
        Assert.Equal(("pin", 8, true, PageRange.All), (pin.Op, pin.Every, pin.Take, pin.Range));
        var unlock = Assert.IsType<LockStep>(s.Steps[4]);
        Assert.Equal(("unlock", 1, false), (unlock.Op, unlock.Every, unlock.Take));
        var migrate = Assert.IsType<MigrateStep>(s.Steps[5]);
        Assert.Equal(new MigrateRequest("p", "buf", PageRange.All, "ram", new FailureInjection(2, 3, 4)), migrate.Request);
        var verify = Assert.IsType<VerifyStep>(s.Steps[6]);
        Assert.Equal((VerifyPattern.Zero, 0UL), (verify.Pattern, verify.Salt));
        var file = Assert.IsType<MmapStep>(s.Steps[7]);
        Assert.Equal((VmaKind.File, false, true), (file.Kind, file.Writable, file.Thp));
        Assert.True(Assert.IsType<MprotectStep>(s.Steps[8]).Writable);
    }

    [Fact]
    public void ExpectValuesKeepTheirTypes()
    {
        var step = Load("""{ "op": "stats", "expect": { "pinned": 256, "error": null, "x.y": "EINVAL", "b": true, "d": 1.5 } }""").Steps[2];
        Assert.Equal(["pinned", "error", "x.y", "b", "d"], step.Expect.Select(e => e.Path));
        Assert.Equal("256", step.Expect[0].Value.Text);
        Assert.Equal((ExpectedKind.Number, 256m), (step.Expect[0].Value.Kind, step.Expect[0].Value.DecimalValue));
        Assert.Equal(ExpectedKind.Null, step.Expect[1].Value.Kind);
        Assert.Equal("\"EINVAL\"", step.Expect[2].Value.Text);
        Assert.Equal((ExpectedKind.String, "EINVAL"), (step.Expect[2].Value.Kind, step.Expect[2].Value.StringValue));
        Assert.Equal("true", step.Expect[3].Value.Text);
        Assert.Equal((ExpectedKind.Bool, true), (step.Expect[3].Value.Kind, step.Expect[3].Value.BoolValue));
        Assert.Equal("1.5", step.Expect[4].Value.Text);
        Assert.Equal(1.5, step.Expect[4].Value.DoubleValue);
    }

    [Fact]
    public void RepeatKeepsItsBody()
    {
        var s = Load("""{ "op": "repeat", "times": 4, "steps": [ { "op": "stats" }, { "op": "check" } ] }""");
        var r = Assert.IsType<RepeatStep>(s.Steps[2]);
        Assert.Equal(4, r.Times);
        Assert.Equal(["stats", "check"], r.Body.Select(b => b.Op));
        Assert.Equal("steps[2].steps[1]", r.Body[1].Path);
    }

    [Fact]
    public void ARepeatOnceMayCreateANameItsBodyUses()
    {
        var s = Load("""{ "op": "repeat", "times": 1, "steps": [ { "op": "process", "name": "q" } ] }, { "op": "fork", "proc": "q", "child": "r" }""");
        Assert.Equal(4, s.Steps.Count);
    }

    [Fact]
    public void ARepeatThatMapsAndUnmapsIsValidOnEveryPass()
    {
        var s = Load("""
            { "op": "repeat", "times": 5, "steps": [
                { "op": "mmap", "proc": "p", "vma": "tmp", "pages": 8, "kind": "anon" },
                { "op": "munmap", "proc": "p", "vma": "tmp" } ] }
            """);
        Assert.Equal(3, s.Steps.Count);
    }

    [Fact]
    public void ForkCopiesVmasAndMunmapRemovesOnlyFromOneProcess()
    {
        var s = Load("""
            { "op": "fork", "proc": "p", "child": "c" },
            { "op": "munmap", "proc": "p", "vma": "buf" },
            { "op": "touch", "proc": "c", "vma": "buf", "access": "read" },
            { "op": "mmap", "proc": "p", "vma": "buf", "pages": 4, "kind": "file" }
            """);
        Assert.Equal(6, s.Steps.Count);
    }

    [Theory]
    [InlineData("""{ "op": "migrate", "proc": "p", "vma": "buf", "count": 0, "to": "gpu0" }""", "steps[2].count: must be at least 1")]
    [InlineData("""{ "op": "migrate", "proc": "p", "vma": "buf", "to": "cpu" }""", "steps[2].to:")]
    [InlineData("""{ "op": "touch", "proc": "p", "vma": "buf", "access": "read", "cuont": 1 }""", "steps[2].cuont: unknown field")]
    [InlineData("""{ "op": "touch", "proc": "p", "vma": "buf", "access": "read", "access": "write" }""", "steps[2].access: duplicate field")]
    [InlineData("""{ "op": "touch", "proc": "p", "vma": "buf" }""", "steps[2].access: required field is missing")]
    [InlineData("""{ "op": "verify", "proc": "p", "vma": "buf" }""", "steps[2].pattern: required field is missing")]
    [InlineData("""{ "op": "mmap", "proc": "p", "vma": "x", "pages": 8 }""", "steps[2].kind: required field is missing")]
    [InlineData("""{ "op": "process" }""", "steps[2].name: required field is missing")]
    [InlineData("""{ "op": "process", "name": "" }""", "steps[2].name: must not be empty")]
    [InlineData("""{ "op": "process", "name": 5 }""", "steps[2].name: must be a string")]
    [InlineData("""{ "op": "touch", "proc": "p", "vma": "buf", "access": "read", "salt": -1 }""", "steps[2].salt:")]
    [InlineData("""{ "op": "stats", "expect": { "": 1 } }""", "steps[2].expect.: must be a dotted path")]
    [InlineData("""{ "op": "stats", "expect": { "a..b": 1 } }""", "steps[2].expect.a..b: must be a dotted path")]
    [InlineData("""{ "op": "munmap", "proc": "p", "vma": "buf" }, { "op": "munmap", "proc": "p", "vma": "buf" }""", "steps[3].vma:")]
    [InlineData("""{ "op": "fork", "proc": "nobody", "child": "c" }""", "steps[2].proc:")]
    [InlineData("""{ "op": "repeat", "times": 2, "steps": [] }""", "steps[2].steps: must hold at least 1 step")]
    [InlineData("""{ "op": "repeat", "steps": [ { "op": "stats" } ] }""", "steps[2].times: required field is missing")]
    [InlineData("""{ "op": "repeat", "times": 3, "steps": [ { "op": "fork", "proc": "p", "child": "k" } ] }""", "steps[2].steps[0].child: process 'k' already exists (on the repeat's second pass)")]
    [InlineData("""{ "op": "device-read", "device": "gpu0", "proc": "p", "vma": "buf" }""", "steps[2].pattern: required")]
    [InlineData("""{ "op": "snapshot", "device": "ram", "proc": "p", "vma": "buf" }""", "steps[2].device:")]
    [InlineData("""5""", "steps[2]: must be an object")]
    public void InvalidStepsNameTheirPath(string steps, string expectedStart) =>
        Assert.StartsWith(expectedStart, Error(steps), StringComparison.Ordinal);

    [Theory]
    [InlineData("\"seed\": 1.5,", "seed: must be an integer")]
    [InlineData("\"seed\": \"1\",", "seed: must be an integer")]
    [InlineData("\"name\": 3,", "name: must be a string")]
    [InlineData("\"ram\": { \"pages\": 64, \"size\": 1 },", "ram.size: unknown field")]
    [InlineData("\"ram\": 64,", "ram: must be an object")]
    [InlineData("\"payload\": \"token\", \"payload\": \"bytes\",", "payload: duplicate field")]
    public void InvalidTopLevelFieldsNameTheirPath(string top, string expectedStart) =>
        Assert.StartsWith(expectedStart, Error("", top), StringComparison.Ordinal);

    [Theory]
    [InlineData("""[ { "name": "g", "pages": 1, "movable": 0 } ]""", "devices[0].movable: must be true or false")]
    [InlineData("""[ { "name": "g", "pages": 1, "bandwidthGBps": -2 } ]""", "devices[0].bandwidthGBps: must be at least 1E-06")]
    [InlineData("""[ { "name": "g", "pages": 1, "latencyUs": "fast" } ]""", "devices[0].latencyUs: must be a number")]
    [InlineData("""[ { "name": "g", "pages": 1 }, { "name": "h", "pages": 1, "colour": "red" } ]""", "devices[1].colour: unknown field")]
    [InlineData("""{ "name": "g" }""", "devices: must be an array")]
    public void InvalidDevicesNameTheirPath(string devices, string expectedStart) =>
        Assert.StartsWith(expectedStart, Error("", "", devices), StringComparison.Ordinal);

    [Theory]
    [InlineData("{ \"steps\": [ }", "line 1, column 14: broken JSON")]
    [InlineData("{\n\n  \"steps\": [ 1 2 ] }", "line 3, column 16: broken JSON")]
    [InlineData("{ \"steps\": [] } }", "line 1, column 17: broken JSON")]
    public void BrokenJsonNamesLineAndColumn(string json, string expectedStart)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(json, "x"));
        Assert.StartsWith(expectedStart, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t ")]
    [InlineData("/* nothing */ // here")]
    public void TextWithoutJsonSaysSo(string json)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(json, "x"));
        Assert.Equal("it holds no JSON (it is empty, or only whitespace and comments); a scenario is one JSON object", e.Message);
    }

    [Theory]
    [InlineData("/* never closed")]
    [InlineData("// a comment\n nothing")]
    public void TextThatIsNotJsonIsBrokenJsonNotEmpty(string json)
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.Parse(json, "x"));
        Assert.Contains("broken JSON", e.Message);
    }

    [Fact]
    public void AMissingFileIsAScenarioError()
    {
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile("/no/such/dir/scenario.json"));
        Assert.Contains("cannot read", e.Message);
    }
}
