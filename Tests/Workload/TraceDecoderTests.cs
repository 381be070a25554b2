using System.Text;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.Streams;

namespace HmmEcs.Tests.Workload;

/// <summary>A trace's two formats read back as written, and each kind of bad input refused at its line or record.</summary>
public class TraceDecoderTests
{
    private static AccessTrace Csv(string text) => AccessTrace.FromBytes(Encoding.UTF8.GetBytes(text), TraceFormat.Csv, "t.csv");

    /// <summary>Every access of the trace, as (page, write), through the runner's window in order.</summary>
    private static List<(long Page, bool Write)> Accesses(AccessTrace trace, long count)
    {
        using var window = new TraceWindow(trace);
        var list = new List<(long, bool)>();
        for (long j = 0; j < count; j++)
        {
            var page = window.Take(j, out var write);
            list.Add((page, write));
        }
        return list;
    }

    [Fact]
    public void CsvReadsHeaderCommentsHexWordsAndCrLf()
    {
        var trace = Csv("# recorded\r\nPAGE, Kind ,time\r\n0,r,5\r\n\r\n0x1f,W,5\r\n  7 , read , 9\r\n3,write,100");
        Assert.Equal(4, trace.Length);
        Assert.Equal(31, trace.MaxPage);
        Assert.Equal(5, trace.MaxPageLine);
        Assert.True(trace.HasWrites);
        Assert.True(trace.HasTimes);
        Assert.Equal([(0L, false), (31L, true), (7L, false), (3L, true)], Accesses(trace, 4));
    }

    [Fact]
    public void CsvWithoutHeaderOrTimes()
    {
        var trace = Csv("4,r\n2,r\n");
        Assert.Equal(2, trace.Length);
        Assert.False(trace.HasWrites);
        Assert.False(trace.HasTimes);
        // Past its end the trace runs again from the start.
        Assert.Equal([(4L, false), (2L, false), (4L, false), (2L, false), (4L, false)], Accesses(trace, 5));
    }

    [Fact]
    public void BinaryWithAndWithoutTimesReadsAsWritten()
    {
        var pages = new long[] { 9, 0, (1L << 40) + 3, 9 };
        var writes = new[] { false, true, true, false };
        var plain = AccessTrace.FromAccesses(pages, writes);
        Assert.Equal(4, plain.Length);
        Assert.Equal((1L << 40) + 3, plain.MaxPage);
        Assert.False(plain.HasTimes);
        var expected = pages.Zip(writes).Select(a => (a.First, a.Second)).ToList();
        Assert.Equal(expected, Accesses(plain, 4));

        using var timed = new MemoryStream();
        TraceBinary.WriteHeader(timed, times: true);
        for (var i = 0; i < pages.Length; i++)
        {
            TraceBinary.WriteRecord(timed, pages[i], writes[i], times: true, timeNs: 10 * i);
        }
        var trace = AccessTrace.FromBytes(timed.ToArray(), TraceFormat.Binary);
        Assert.True(trace.HasTimes);
        Assert.Equal(expected, Accesses(trace, 4));
    }

    [Fact]
    public void AFileIsReadFromDiskAndLooped()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hmmecs-trace-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "1,w\n0,r\n");
        try
        {
            var trace = AccessTrace.FromFile(path, TraceFormat.Csv);
            Assert.Equal(TraceFormat.Csv, AccessTrace.FormatOf(path));
            Assert.Equal([(1L, true), (0L, false), (1L, true)], Accesses(trace, 3));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("0,r\n1,x\n", 2, "kind \"x\"")]
    [InlineData("0,r\nzz,r\n", 2, "page \"zz\"")]
    [InlineData("page,kind\n0,r\n-1,r\n", 3, "page \"-1\"")]
    [InlineData("0,r\n0x,r\n", 2, "page \"0x\"")]
    [InlineData("0,r\n99999999999999999999,r\n", 2, "page")]
    [InlineData("0,r\n5\n", 2, "one column")]
    [InlineData("0,r,1,2\n", 1, "more than three columns")]
    [InlineData("0,r,1\n1,r\n", 2, "columns")]
    [InlineData("page,kind\n0,r,4\n", 2, "columns")]
    [InlineData("0,r,10\n1,r,9\n", 2, "times must not decrease")]
    [InlineData("0,r,abc\n", 1, "time \"abc\"")]
    [InlineData("pages,kinds\n0,r\n", 1, "header")]
    public void ABadCsvLineIsNamed(string text, long line, string problem)
    {
        var e = Assert.Throws<TraceFormatException>(() => Csv(text));
        Assert.Equal(line, e.Line);
        Assert.StartsWith($"t.csv line {line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACsvLineLongerThanTheBufferIsRefused()
    {
        var e = Assert.Throws<TraceFormatException>(() => Csv("0,r\n" + new string(' ', 70_000) + "1,r\n"));
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public void ATraceWithoutAccessesIsRefused()
    {
        Assert.Contains("no accesses", Assert.Throws<TraceFormatException>(() => Csv("# nothing\npage,kind\n")).Message, StringComparison.Ordinal);
        Assert.Contains("no accesses", Assert.Throws<TraceFormatException>(() => AccessTrace.FromAccesses([], [])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadBinaryInputIsNamed()
    {
        var good = AccessTrace.FromAccesses([1, 2], [false, false]);
        var bytes = new MemoryStream();
        TraceBinary.WriteHeader(bytes, times: true);
        TraceBinary.WriteRecord(bytes, 1, false, times: true, timeNs: 50);
        TraceBinary.WriteRecord(bytes, 2, false, times: true, timeNs: 40);
        var backwards = Assert.Throws<TraceFormatException>(() => AccessTrace.FromBytes(bytes.ToArray(), TraceFormat.Binary, "t.bin"));
        Assert.Equal("t.bin record 2: time 40 ns is before the previous access's 50 ns: times must not decrease", backwards.Message);

        var truncated = bytes.ToArray()[..^3];
        Assert.StartsWith("t.bin record 2: truncated", Assert.Throws<TraceFormatException>(() => AccessTrace.FromBytes(truncated, TraceFormat.Binary, "t.bin")).Message, StringComparison.Ordinal);

        var magic = bytes.ToArray();
        magic[0] = (byte)'X';
        Assert.Equal(0, Assert.Throws<TraceFormatException>(() => AccessTrace.FromBytes(magic, TraceFormat.Binary, "t.bin")).Line);

        var version = bytes.ToArray();
        version[8] = 2;
        Assert.Contains("version 2", Assert.Throws<TraceFormatException>(() => AccessTrace.FromBytes(version, TraceFormat.Binary, "t.bin")).Message, StringComparison.Ordinal);

        // A CSV read as binary is refused too.
        Assert.Throws<TraceFormatException>(() => AccessTrace.FromBytes("0,r\n"u8.ToArray(), TraceFormat.Binary));
        Assert.Equal(2, good.Length);
    }

    [Fact]
    public void TheFormatComesFromTheExtension()
    {
        Assert.Equal(TraceFormat.Csv, AccessTrace.FormatOf("a/b.CSV"));
        Assert.Equal(TraceFormat.Binary, AccessTrace.FormatOf("b.bin"));
        Assert.Null(AccessTrace.FormatOf("b.txt"));
    }
}
