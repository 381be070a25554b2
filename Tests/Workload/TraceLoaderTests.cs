using HmmEcs.Cli.Commands;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Tests.Workload;

/// <summary>A <c>trace</c> pattern in a scenario file: found beside the file, read whole at load, and refused at <c>steps[i].pattern.file</c> with the trace's line.</summary>
public sealed class TraceLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hmmecs-trace-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Writes a scenario running <paramref name="pattern"/> (plus <paramref name="extra"/> fields) as step 2 into the temp folder.</summary>
    private string Scenario(string pattern, string extra = "")
    {
        var path = Path.Combine(_dir, "s.json");
        File.WriteAllText(path, $$"""
            { "devices": [ { "name": "gpu0", "pages": 64 } ],
              "steps": [ { "op": "process", "name": "p" }, { "op": "mmap", "proc": "p", "vma": "a", "pages": 64, "kind": "anon" },
                { "op": "workload", "device": "gpu0", "proc": "p", "vma": "a", "pattern": {{pattern}} {{extra}} } ] }
            """);
        return path;
    }

    private void Trace(string name, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_dir, name))!);
        File.WriteAllText(Path.Combine(_dir, name), text);
    }

    [Fact]
    public void TheFileIsFoundBesideTheScenarioAndRunsOnceThroughByDefault()
    {
        Trace("t/a.csv", "0,r\n1,w\n5,r\n");
        var request = ((WorkloadStep)ScenarioLoader.LoadFile(Scenario("""{ "kind": "trace", "file": "t/a.csv" }""")).Steps[2]).Request;
        Assert.Equal(3, request.Accesses);
        Assert.Equal(5, request.Pattern.Trace!.MaxPage);
        Assert.True(request.MayWrite);
        var more = ((WorkloadStep)ScenarioLoader.LoadFile(Scenario("""{ "kind": "trace", "file": "t/a.csv" }""", """, "accesses": 10""")).Steps[2]).Request;
        Assert.Equal(10, more.Accesses);
    }

    [Fact]
    public void ABadLineNamesTheStepsFileFieldTheFileAndTheLine()
    {
        Trace("bad.csv", "page,kind\n0,r\n1,x\n");
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile(Scenario("""{ "kind": "trace", "file": "bad.csv" }""")));
        Assert.Equal("steps[2].pattern.file", e.Path);
        Assert.Equal("steps[2].pattern.file: bad.csv line 3: kind \"x\" is not r, w, read or write", e.Message);
    }

    [Theory]
    [InlineData("""{ "kind": "trace", "file": "none.csv" }""", "", "steps[2].pattern.file", "no such file")]
    [InlineData("""{ "kind": "trace", "file": "a.txt" }""", "", "steps[2].pattern.file", "cannot tell the trace's format")]
    [InlineData("""{ "kind": "trace", "file": "d.csv" }""", "", "steps[2].pattern.file", "is a directory")]
    [InlineData("""{ "kind": "trace", "file": "empty.csv" }""", "", "steps[2].pattern.file", "empty")]
    [InlineData("""{ "kind": "trace", "file": "a.txt", "format": "binary" }""", "", "steps[2].pattern.file", "HMMTRACE")]
    [InlineData("""{ "kind": "trace", "file": "a.txt", "format": "text" }""", "", "steps[2].pattern.format", "")]
    [InlineData("""{ "kind": "trace" }""", "", "steps[2].pattern.file", "required")]
    [InlineData("""{ "kind": "trace", "file": "a.txt", "format": "csv", "stride": 2 }""", "", "steps[2].pattern.stride", "")]
    [InlineData("""{ "kind": "trace", "file": "a.txt", "format": "csv" }""", """, "writeFraction": 0.5""", "steps[2].writeFraction", "carry their own kind")]
    [InlineData("""{ "kind": "stream", "file": "a.txt" }""", """, "accesses": 4""", "steps[2].pattern.file", "")]
    [InlineData("""{ "kind": "stream" }""", "", "steps[2].accesses", "required")]
    public void BadTraceFieldsAreRefusedAtTheirPath(string pattern, string extra, string path, string problem)
    {
        Trace("a.txt", "0,r\n");
        Trace("empty.csv", "");
        Directory.CreateDirectory(Path.Combine(_dir, "d.csv"));
        var e = Assert.Throws<ScenarioException>(() => ScenarioLoader.LoadFile(Scenario(pattern, extra)));
        Assert.Equal(path, e.Path);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheFormatFieldOverridesTheExtension()
    {
        Trace("a.txt", "0,r\n");
        var step = (WorkloadStep)ScenarioLoader.LoadFile(Scenario("""{ "kind": "trace", "file": "a.txt", "format": "csv" }""")).Steps[2];
        Assert.Equal(TraceFormat.Csv, step.Request.Pattern.Trace!.Format);
    }

    [Fact]
    public void HmmecsRunExitsTwoOnABadTraceWithoutAStackTrace()
    {
        Trace("bad.csv", "0,r\n0,r,7\n");
        var output = new StringWriter();
        var errors = new StringWriter();
        var path = Scenario("""{ "kind": "trace", "file": "bad.csv" }""");
        Assert.Equal(2, HmmecsCommand.Execute(["run", path], output, errors));
        var message = errors.ToString().Trim();
        Assert.Equal($"hmmecs run: {path}: steps[2].pattern.file: bad.csv line 2: has 3 columns, the trace's first access 2: every line has a time or none does", message);
    }
}
