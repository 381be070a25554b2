using System.Text.Json.Nodes;
using HmmEcs.Cli.Commands;
using HmmEcs.Systems.Machine;
using HmmEcs.Tests.Scenarios;

namespace HmmEcs.Tests.Cli;

/// <summary><c>hmmecs</c> called in-process with captured stdout and stderr; machines are fakes unless an engine is the point.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hmmecs-cli-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private int Run(Func<string, MachineConfig, IMachine>? machines, params string[] args) =>
        HmmecsCommand.Execute(args, _out, _err, machines ?? ((_, c) => new FakeMachine(c)));

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Passing = """
        { "name": "tiny", "devices": [ { "name": "gpu0", "pages": 64 } ], "steps": [
          { "op": "process", "name": "p" },
          { "op": "mmap", "proc": "p", "vma": "buf", "pages": 64, "kind": "anon" },
          { "op": "touch", "proc": "p", "vma": "buf", "access": "write", "expect": { "faults.new": 64 } },
          { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0", "expect": { "migrated": 64 } }
        ] }
        """;

    [Theory]
    [InlineData("help")]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData]
    public void HelpPrintsTheOverviewAndExitsZero(params string[] args)
    {
        Assert.Equal(0, Run(null, args));
        Assert.Contains("hmmecs run [FILE]", _out.ToString());
        Assert.Equal("", _err.ToString());
    }

    [Fact]
    public void TheOverviewNamesEveryVerbAndEveryOptionOfRunAndSweep()
    {
        Assert.Equal(0, Run(null, "--help"));
        var overview = _out.ToString();
        foreach (var verb in new[] { "run", "sweep", "merge", "plot", "schema", "completion", "help" })
        {
            Assert.Contains($"hmmecs {verb}", overview);
        }
        foreach (var verb in new[] { "run", "sweep" })
        {
            _out.GetStringBuilder().Clear();
            Assert.Equal(0, Run(null, verb, "--help"));
            foreach (var option in System.Text.RegularExpressions.Regex.Matches(_out.ToString(), @"^\s+(--[a-z]+)", System.Text.RegularExpressions.RegexOptions.Multiline).Select(m => m.Groups[1].Value))
            {
                Assert.True(option == "--help" || overview.Contains($"[{option}", StringComparison.Ordinal) || overview.Contains($" {option} ", StringComparison.Ordinal),
                    $"the overview does not name {verb} {option}");
            }
        }
    }

    [Theory]
    [InlineData("run")]
    [InlineData("sweep")]
    [InlineData("plot")]
    public void HelpWithAVerbIsThatVerbsHelp(string verb)
    {
        Assert.Equal(0, Run(null, verb, "--help"));
        var own = _out.ToString();
        _out.GetStringBuilder().Clear();
        Assert.Equal(0, Run(null, "help", verb));
        Assert.Equal(own, _out.ToString());
        Assert.Equal("", _err.ToString());
    }

    [Fact]
    public void HelpWithAnUnknownVerbIsExitTwoListingTheVerbs()
    {
        Assert.Equal(2, Run(null, "help", "frobnicate"));
        Assert.Equal("hmmecs help: no command 'frobnicate'; the commands are run, sweep, merge, plot, schema, completion, help", _err.ToString().TrimEnd());
    }

    [Theory]
    [InlineData("run", "--json", "--report", "--trace", "--check", "--engine", "--profile")]
    [InlineData("sweep", "--set", "--out", "--jobs", "--shard", "--profile", "--repeat", "--warmup", "--resume", "--force", "--strict")]
    [InlineData("merge", "--out", "--force")]
    [InlineData("plot", "--x", "--y", "--group", "--where", "--title", "--out")]
    [InlineData("schema")]
    [InlineData("completion")]
    public void EveryVerbHasItsOwnHelp(string verb, params string[] options)
    {
        Assert.Equal(0, Run(null, verb, "--help"));
        var help = _out.ToString();
        // The usage line starts with the executable's name: hmmecs, or the test host here.
        Assert.Matches($@"Usage:\s+\S+ {verb}\b", help);
        foreach (var o in options)
        {
            Assert.Contains(o, help);
        }
        Assert.Equal("", _err.ToString());
    }

    [Fact]
    public void VersionNamesTheCommit()
    {
        Assert.Equal(0, Run(null, "--version"));
        Assert.Matches(@"^\d+\.\d+\.\d+(\+[0-9a-f]{7,40})?\s*$", _out.ToString());
    }

    [Theory]
    [InlineData(9, "hmmecs sw", "sweep")]
    [InlineData(20, "hmmecs run --engine ", "reference")]
    [InlineData(17, "hmmecs sweep --re", "--resume")]
    public void TheSuggestDirectiveCompletesVerbsOptionsAndValues(int position, string line, string expected)
    {
        Assert.Equal(0, Run(null, $"[suggest:{position}]", line));
        Assert.Contains(expected, _out.ToString().Split('\n', StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _hmmecs_complete hmmecs")]
    [InlineData("zsh", "compdef _hmmecs_complete hmmecs")]
    public void CompletionPrintsAShellFunctionThatAsksTheTool(string shell, string registers)
    {
        Assert.Equal(0, Run(null, "completion", shell));
        Assert.Contains("[suggest:", _out.ToString());
        Assert.Contains(registers, _out.ToString());
    }

    [Fact]
    public void APassingScenarioExitsZeroWithOneSummaryLinePerStep()
    {
        var file = Write("tiny.json", Passing);
        Assert.Equal(0, Run(null, "run", file));
        var lines = _out.ToString().TrimEnd().Split('\n');
        Assert.Equal(7, lines.Length); // header, machine setup, 4 steps, final line
        Assert.Contains(" setup ", lines[1]);
        Assert.Contains("migrate", lines[5]);
        Assert.Contains("migrated 64", lines[5]);
        Assert.StartsWith("OK", lines[^1], StringComparison.Ordinal);
        Assert.Equal("", _err.ToString());
    }

    [Fact]
    public void AMissedExpectationExitsOneAndShowsTheMiss()
    {
        var file = Write("miss.json", Passing.Replace("\"migrated\": 64", "\"migrated\": 63"));
        Assert.Equal(1, Run(null, "run", file));
        Assert.Contains("migrated: expected 63, got 64", _out.ToString());
        Assert.StartsWith("FAILED", _out.ToString().TrimEnd().Split('\n')[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void ABrokenInvariantUnderCheckExitsOne()
    {
        var file = Write("tiny.json", Passing);
        Assert.Equal(1, Run((_, c) => new FakeMachine(c) { Violations = 1 }, "run", file, "--check"));
        Assert.Contains("INVARIANTS BROKEN", _out.ToString());
        Assert.Equal(0, Run(null, "run", file, "--check"));
    }

    [Fact]
    public void JsonToStdoutMovesTheSummaryToStderr()
    {
        var file = Write("tiny.json", Passing);
        Assert.Equal(0, Run(null, "run", file, "--json", "-"));
        var json = JsonNode.Parse(_out.ToString())!;
        Assert.Equal("tiny", (string?)json["scenario"]);
        Assert.Equal(4, json["steps"]!.AsArray().Count);
        Assert.Contains("OK", _err.ToString());
    }

    [Fact]
    public void JsonToAFileAndTheEngineOptionArePassedThrough()
    {
        var file = Write("tiny.json", Passing);
        var outPath = Path.Combine(_dir, "out.json");
        string? engineSeen = null;
        Assert.Equal(0, Run((e, c) => { engineSeen = e; return new FakeMachine(c); }, "run", file, "--engine=reference", "--json", outPath));
        Assert.Equal("reference", engineSeen);
        var json = JsonNode.Parse(File.ReadAllText(outPath))!;
        Assert.Equal(["scenario", "engine", "profile", "seed", "payload", "setupMs", "ok", "steps"], json.AsObject().Select(p => p.Key));
        Assert.Equal("v13", (string?)json["profile"]);
        Assert.Contains("OK", _out.ToString());
        // The machine build has its own line before the steps, with what the machine holds and the time it took.
        var setup = _out.ToString().Split('\n').Single(l => l.Contains(" setup ", StringComparison.Ordinal));
        Assert.Matches(@"^\s+setup\s+ram \d+ pages.*  \d+(\.\d+)? ms", setup.TrimEnd('\r'));
        Assert.True((double?)json["setupMs"] >= 0);
    }

    [Fact]
    public void TheDefaultEngineIsEcs()
    {
        string? engineSeen = null;
        Assert.Equal(0, Run((e, c) => { engineSeen = e; return new FakeMachine(c); }, "run", Write("tiny.json", Passing)));
        Assert.Equal("ecs", engineSeen);
    }

    [Fact]
    public void RunWithoutAFileRunsTheBuiltInQuickstart()
    {
        Run(null, "run", "--json", "-");
        var json = JsonNode.Parse(_out.ToString())!;
        Assert.Equal("quickstart", (string?)json["scenario"]);
        Assert.Equal(10, json["steps"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void TheQuickstartPassesOnEachRealEngine(string engine)
    {
        Assert.Equal(0, HmmecsCommand.Execute(["run", "--engine", engine, "--check"], _out, _err));
        Assert.Contains($"OK: quickstart on {engine}", _out.ToString());
        Assert.Equal("", _err.ToString());
    }

    [Fact]
    public void TheBuiltInQuickstartIsTheSharedFile() =>
        Assert.Equal(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "scenarios", "shared", "quickstart.json")).Trim().ReplaceLineEndings("\n"),
            Quickstart.Json.Trim().ReplaceLineEndings("\n"));

    [Theory]
    [InlineData("run", "--bogus")]
    [InlineData("run", "--engine", "gpu")]
    [InlineData("run", "--engine")]
    [InlineData("run", "--profile", "v14")]
    [InlineData("run", "--json")]
    [InlineData("run", "a.json", "b.json")]
    [InlineData("run", "--check=yes")]
    [InlineData("frobnicate")]
    [InlineData("run", "/no/such/file.json")]
    public void CommandLineProblemsExitTwoWithOneLine(params string[] args)
    {
        Assert.Equal(2, Run(null, args));
        var err = _err.ToString().TrimEnd();
        Assert.DoesNotContain('\n', err);
        Assert.StartsWith("hmmecs", err, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", err);
        Assert.Equal("", _out.ToString());
    }

    [Fact]
    public void AnInvalidScenarioExitsTwoNamingTheJsonPathAndRunsNothing()
    {
        var machines = 0;
        var file = Path.Combine(AppContext.BaseDirectory, "scenarios", "shared", "invalid", "zero-count.json");
        Assert.Equal(2, Run((_, c) => { machines++; return new FakeMachine(c); }, "run", file));
        Assert.Contains("steps[3].count: must be at least 1", _err.ToString());
        Assert.Equal(0, machines);
        Assert.Equal("", _out.ToString());
    }

    [Theory]
    [InlineData("v12", null, "profile: must be one of v13, v13-as-posted, mainline")]
    [InlineData("v12", "v13", "profile: must be one of v13, v13-as-posted, mainline")]
    public void AnUnknownProfileExitsTwoNamingProfile(string inFile, string? option, string message)
    {
        var machines = 0;
        var file = Write("profiled.json", Passing.Replace("\"steps\"", $"\"profile\": \"{inFile}\", \"steps\"", StringComparison.Ordinal));
        string[] args = option is null ? ["run", file] : ["run", file, "--profile", option];
        Assert.Equal(2, Run((_, c) => { machines++; return new FakeMachine(c); }, args));
        Assert.Contains(message, _err.ToString());
        Assert.Equal(0, machines);
    }

    [Fact]
    public void TheProfileOptionReplacesTheFilesAndTheDocumentRecordsIt()
    {
        var file = Write("profiled.json", Passing.Replace("\"steps\"", "\"profile\": \"mainline\", \"steps\"", StringComparison.Ordinal));
        MachineConfig? seen = null;
        Assert.Equal(0, Run((_, c) => { seen = c; return new FakeMachine(c); }, "run", file, "--profile", "v13", "--json", "-"));
        Assert.Equal(SemanticsProfile.V13, seen!.Profile);
        Assert.Equal("v13", (string?)JsonNode.Parse(_out.ToString())!["profile"]);
    }

    [Fact]
    public void BrokenJsonExitsTwoNamingLineAndColumn()
    {
        var file = Write("broken.json", "{\n  \"steps\": [ { \"op\": \"stats\" \"x\": 1 } ]\n}");
        Assert.Equal(2, Run(null, "run", file));
        Assert.Contains("line 2, column", _err.ToString());
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--trace")]
    [InlineData("--report")]
    public void AnUnwritableOutputExitsTwoBeforeAnythingRuns(string option)
    {
        var file = Write("tiny.json", Passing);
        var blocker = Write("a-file", "");
        // Under a regular file nothing can be made; the machine factory would fail the run (exit 1) if it were reached.
        Assert.Equal(2, Run((_, _) => throw new InvalidOperationException("the run started"), "run", file, option, Path.Combine(blocker, "out")));
        Assert.Contains("cannot write", _err.ToString());
        Assert.Equal("", _out.ToString());
    }

    [Fact]
    public void AJsonOutputIntoADirectoryExitsTwoAndAMissingFolderIsMade()
    {
        var file = Write("tiny.json", Passing);
        Assert.Equal(2, Run(null, "run", file, "--json", _dir));
        Assert.Contains("is a directory", _err.ToString());
        var nested = Path.Combine(_dir, "new", "folder", "out.json");
        Assert.Equal(0, Run(null, "run", file, "--json", nested));
        Assert.True(File.Exists(nested));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(nested)!, "*.partial"));
    }

    [Fact]
    public void AnInternalErrorExitsOneWithOneLineAndNoStackTrace()
    {
        var file = Write("tiny.json", Passing);
        Assert.Equal(1, Run((_, _) => throw new InvalidOperationException("boom\nsecond line"), "run", file));
        var err = _err.ToString().TrimEnd();
        Assert.Equal("hmmecs run: internal error: InvalidOperationException: boom second line", err);
    }
}
