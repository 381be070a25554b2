using System.Diagnostics;
using System.Text;
using HmmEcs.Tests.Experiments;

namespace HmmEcs.Tests.Cli;

/// <summary>
/// The bytes of a scenario file at the command line: a UTF-8 byte-order mark is accepted (editors write one), bytes
/// that are not UTF-8 are exit 2 naming where, and a file without JSON says so; for <c>run FILE</c>, <c>run -</c> and <c>sweep</c>.
/// </summary>
public sealed class FileEncodingTests : ExperimentFiles
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = At(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void AFileThatStartsWithAByteOrderMarkRuns()
    {
        var file = WriteBytes("bom.json", [.. Bom, .. Utf8(Small)]);
        Assert.Equal(0, Hmmecs("run", file));
        Assert.Contains("OK: small on ecs", Out.ToString());
        Assert.Equal(0, Hmmecs("sweep", file, "--set", "seed=1", "--out", At("o")));
    }

    [Fact]
    public void InvalidUtf8IsExitTwoNamingLineColumnAndOffset()
    {
        // The name holds 0xFF 0xFE: no UTF-8 sequence starts with either.
        var head = Utf8("{\n  \"name\": \"ab");
        var file = WriteBytes("latin.json", [.. head, 0xFF, 0xFE, .. Utf8("\", \"steps\": [] }")]);
        Assert.Equal(2, Hmmecs("run", file));
        Assert.Equal($"hmmecs run: {file}: line 2, column 14: not valid UTF-8 (byte 0xFF at byte offset {head.Length}); a scenario file is UTF-8 text", Err.ToString().TrimEnd());
        Assert.Equal("", Out.ToString());
        Assert.Equal(2, Hmmecs("sweep", file, "--set", "seed=1", "--out", At("o")));
        Assert.Contains("line 2, column 14: not valid UTF-8", Err.ToString());
        Assert.False(Directory.Exists(At("o")), "nothing ran");
    }

    [Fact]
    public void ATruncatedSequenceAfterAByteOrderMarkCountsTheMarkInTheOffset()
    {
        // "é" is C3 A9; its first byte alone at the end is a sequence cut short.
        var file = WriteBytes("cut.json", [.. Bom, .. Utf8("{ \"steps\": [] }"), 0xC3]);
        Assert.Equal(2, Hmmecs("run", file));
        Assert.Contains("line 1, column 16: not valid UTF-8 (byte 0xC3 at byte offset 18)", Err.ToString());
    }

    [Theory]
    [InlineData("   \n\t\n")]
    [InlineData("// only a comment\n/* and another */\n")]
    public void AFileWithoutJsonSaysSo(string text)
    {
        var file = Write("blank.json", text);
        Assert.Equal(2, Hmmecs("run", file));
        Assert.Equal($"hmmecs run: {file}: it holds no JSON (it is empty, or only whitespace and comments); a scenario is one JSON object", Err.ToString().TrimEnd());
        Assert.Equal(2, Hmmecs("sweep", file, "--set", "seed=1", "--out", At("o")));
        Assert.Contains("it holds no JSON", Err.ToString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StandardInputIsDecodedTheSameWay(bool valid)
    {
        using var p = StartHmmecs("run", "-");
        byte[] input = valid ? [.. Bom, .. Utf8(Small)] : [.. Utf8("{ \"name\": \""), 0xFF, .. Utf8("\", \"steps\": [] }")];
        await p.StandardInput.BaseStream.WriteAsync(input);
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        if (valid)
        {
            Assert.Equal(0, p.ExitCode);
            Assert.Contains("OK: small on ecs", output);
        }
        else
        {
            Assert.Equal(2, p.ExitCode);
            Assert.Equal("hmmecs run: -: line 1, column 12: not valid UTF-8 (byte 0xFF at byte offset 11); a scenario file is UTF-8 text", (await stderr).TrimEnd());
        }
    }
}
