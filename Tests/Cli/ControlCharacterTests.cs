using HmmEcs.Cli.Commands;
using HmmEcs.Tests.Experiments;

namespace HmmEcs.Tests.Cli;

/// <summary>Names from a scenario file reach the terminal escaped: a newline, NUL, ESC or bidirectional override in one cannot break a line or drive the terminal.</summary>
public sealed class ControlCharacterTests : ExperimentFiles
{
    [Theory]
    [InlineData("plain name", "plain name")]
    [InlineData("a\nb\r\tc", @"a\nb\r\tc")]
    [InlineData("nul\0esc\u001b[31m", @"nul\u0000esc\u001b[31m")]
    [InlineData("del\u007f c1\u0085", @"del\u007f c1\u0085")]
    [InlineData("abc\u202edcba\u2066x\u2028", @"abc\u202edcba\u2066x\u2028")]
    [InlineData("é 中 🙂 back\\slash", "é 中 🙂 back\\slash")]
    public void EscapeWritesControlCharactersAsTheirEscapes(string text, string shown) =>
        Assert.Equal(shown, TerminalText.Escape(text));

    [Fact]
    public void ARunPrintsControlCharactersInNamesEscaped()
    {
        var file = Write("ctl.json", """
            { "name": "evil\n\u0000\u001b[2J", "devices": [ { "name": "gpu\n0", "pages": 8 } ],
              "steps": [ { "op": "stats", "expect": { "devices.gpu\n0.used": 1 } } ] }
            """);
        Assert.Equal(1, Hmmecs("run", file));
        var lines = Out.ToString().TrimEnd().Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith(@"scenario evil\n\u0000\u001b[2J  engine", lines[0]);
        Assert.Contains(@"gpu\n0 8 pages", lines[1]);
        Assert.Contains(@"MISS devices.gpu\n0.used: expected 1, got 0", lines[2]);
        Assert.StartsWith(@"FAILED: evil\n\u0000\u001b[2J on ecs", lines[3]);
        Assert.DoesNotContain(Out.ToString(), c => char.IsControl(c) && c != '\n');
    }

    [Fact]
    public void ALoadErrorQuotingANameStaysOneEscapedLine()
    {
        var file = Write("ctl.json", """{ "steps": [ { "op": "process", "name": "p" }, { "op": "mmap", "proc": "q\nq", "vma": "v", "pages": 1, "kind": "anon" } ] }""");
        Assert.Equal(2, Hmmecs("run", file));
        Assert.Equal($@"hmmecs run: {file}: steps[1].proc: no process 'q\nq' at this point", Err.ToString().TrimEnd());
        Assert.Equal(2, Hmmecs("sweep", file, "--set", "seed=1", "--out", At("o")));
        Assert.Equal($@"hmmecs sweep: {file}: steps[1].proc: no process 'q\nq' at this point", Err.ToString().TrimEnd());
    }
}
