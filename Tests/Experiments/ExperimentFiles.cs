using System.Diagnostics;
using System.Globalization;
using HmmEcs.Cli.Commands;
using HmmEcs.Cli.Experiments.Tables;

namespace HmmEcs.Tests.Experiments;

/// <summary>A temporary folder with a small scenario, and <c>hmmecs</c> called in-process with captured output.</summary>
public abstract class ExperimentFiles : IDisposable
{
    /// <summary>
    /// 128 written pages, every 8th pinned, migrated to a device with two copy engines (112 migrate, 16 pinned),
    /// read back by the CPU, then migrated again in part. Step 4 and step 6 are migrates.
    /// </summary>
    protected const string Small = """
        // comments and trailing commas are allowed, as in any scenario file
        { "name": "small", "seed": 1,
          "devices": [ { "name": "gpu0", "pages": 256, "copyEngines": 2, "maxBatchPages": 16 } ],
          "steps": [
            { "op": "process", "name": "p" },
            { "op": "mmap", "proc": "p", "vma": "buf", "pages": 128, "kind": "anon" },
            { "op": "touch", "proc": "p", "vma": "buf", "access": "write", "salt": 3 },
            { "op": "pin", "proc": "p", "vma": "buf", "every": 8 },
            { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0", "expect": { "migrated": 112 } },
            { "op": "touch", "proc": "p", "vma": "buf", "access": "read", "count": 32 },
            { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0", "first": 0, "count": 32 },
          ],
        }
        """;

    protected ExperimentFiles()
    {
        Dir = Directory.CreateTempSubdirectory("hmmecs-exp-").FullName;
        ScenarioPath = Write("small.json", Small);
    }

    protected string Dir { get; }

    protected string ScenarioPath { get; }

    protected StringWriter Out { get; private set; } = new();

    protected StringWriter Err { get; private set; } = new();

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected string Write(string name, string text)
    {
        var path = Path.Combine(Dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    protected string At(string name) => Path.Combine(Dir, name);

    /// <summary>A FIFO named <paramref name="name"/> in the test's directory (Unix: <c>mkfifo</c>); its path.</summary>
    protected async Task<string> MakeFifo(string name)
    {
        var fifo = At(name);
        using var mk = Process.Start("mkfifo", [fifo])!;
        await mk.WaitForExitAsync();
        return fifo;
    }

    /// <summary>Starts <c>hmmecs ARGS</c> as a process of its own (the built <c>hmmecs.dll</c>), its standard streams redirected.</summary>
    protected static Process StartHmmecs(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hmmecs.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        return Process.Start(start)!;
    }

    /// <summary>Runs <c>hmmecs ARGS</c> with fresh captured stdout and stderr.</summary>
    protected int Hmmecs(params string[] args)
    {
        Out = new StringWriter();
        Err = new StringWriter();
        return HmmecsCommand.Execute(args, Out, Err);
    }

    /// <summary>A table's rows as text, the timing columns aside (the steps' and the machine build's wall times), to compare two sweeps.</summary>
    protected static List<string> Strip(ResultTable t)
    {
        var (wall, setup) = (t.IndexOf("wallMs"), t.IndexOf("setupMs"));
        return t.Rows.Select(r => string.Join("|", r.Where((_, c) => c != wall && c != setup).Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)))).ToList();
    }

    /// <summary>True when the file starts with the PNG signature and its IHDR gives a nonzero size.</summary>
    protected static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(bytes.Length > 1000, $"{path}: only {bytes.Length} bytes");
        Assert.Equal(signature, bytes[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        var width = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
        var height = (bytes[20] << 24) | (bytes[21] << 16) | (bytes[22] << 8) | bytes[23];
        return (width, height);
    }
}
