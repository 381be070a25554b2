using System.Text;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Systems.Workload.Streams;

namespace HmmEcs.Tests.Workload;

/// <summary>A <c>trace</c> workload: the same accesses as a pattern give the same counters; reading one allocates nothing per access.</summary>
public class TraceWorkloadTests
{
    /// <summary>
    /// The workload step's result document (no timing) of <paramref name="workload"/> over a written 1,024-page VMA on
    /// a 768-page device, after a fork: the pages are copy-on-write, so a read maps them read-only and a write faults.
    /// </summary>
    private static string Run(string engine, string workload, string directory, string faults = """{ "batchSize": 32 }""")
    {
        var json = $$"""
            { "ram": { "pages": 8192 }, "devices": [ { "name": "gpu0", "pages": 768 } ],
              "steps": [
                { "op": "process", "name": "p" },
                { "op": "mmap", "proc": "p", "vma": "a", "pages": 1024, "kind": "anon" },
                { "op": "touch", "proc": "p", "vma": "a", "access": "write" },
                { "op": "fork", "proc": "p", "child": "c" },
                { "op": "workload", "device": "gpu0", "proc": "p", "vma": "a", "parallel": 64, "prefetch": "tree",
                  "evict": "lru", "faults": {{faults}}, {{workload}} }
              ] }
            """;
        var result = ScenarioRunner.Run(ScenarioLoader.Parse(json, "trace", null, directory), engine);
        var step = result.Steps[^1];
        Assert.Null(step.ErrorName);
        return step.ToJson(includeTiming: false).ToJsonString();
    }

    [Theory]
    [InlineData("ecs", TraceFormat.Csv, """{ "batchSize": 32 }""")]
    [InlineData("reference", TraceFormat.Binary, """{ "batchSize": 32 }""")]
    [InlineData("ecs", TraceFormat.Binary, """{ "mode": "access-counters", "threshold": 4, "granularity": "64k" }""")]
    [InlineData("reference", TraceFormat.Csv, """{ "mode": "access-counters", "threshold": 4, "granularity": "64k" }""")]
    public void ATraceOfAStreamsAccessesGivesTheStreamsCounters(string engine, TraceFormat format, string faults)
    {
        const long Accesses = 3 * 1024 + 100;
        // The stream's accesses, writes included, written out as a trace.
        var stream = new AccessStream(new AccessPattern(AccessPatternKind.Stream), 1024, 7, 0.25);
        var directory = Directory.CreateTempSubdirectory("hmmecs-trace-").FullName;
        try
        {
            var file = format == TraceFormat.Csv ? "s.csv" : "s.bin";
            using (var output = File.Create(Path.Combine(directory, file)))
            {
                if (format == TraceFormat.Csv)
                {
                    var text = new StringBuilder("page,kind\n");
                    for (long j = 0; j < Accesses; j++)
                    {
                        text.Append(stream.PageAt(j)).Append(stream.IsWrite(j) ? ",w\n" : ",r\n");
                    }
                    output.Write(Encoding.ASCII.GetBytes(text.ToString()));
                }
                else
                {
                    TraceBinary.WriteHeader(output, times: false);
                    for (long j = 0; j < Accesses; j++)
                    {
                        TraceBinary.WriteRecord(output, stream.PageAt(j), stream.IsWrite(j), times: false);
                    }
                }
            }
            var expected = Run(engine, $$""" "pattern": { "kind": "stream" }, "accesses": {{Accesses}}, "writeFraction": 0.25, "seed": 7 """, directory, faults);
            var traced = Run(engine, $$""" "pattern": { "kind": "trace", "file": "{{file}}" } """, directory, faults);
            Assert.Equal(expected, traced);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AReadOnlyTraceLoopedGivesTheStreamsCounters()
    {
        var pages = Enumerable.Range(0, 1024).Select(p => (long)p).ToArray();
        var directory = Directory.CreateTempSubdirectory("hmmecs-trace-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "pass.csv"), string.Concat(pages.Select(p => $"0x{p:x},read\n")));
            var expected = Run("ecs", """ "pattern": { "kind": "stream" }, "accesses": 5000 """, directory);
            Assert.Equal(expected, Run("ecs", """ "pattern": { "kind": "trace", "file": "pass.csv" }, "accesses": 5000 """, directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(TraceFormat.Csv)]
    [InlineData(TraceFormat.Binary)]
    public void ReadingATraceAllocatesNothingPerAccess(TraceFormat format)
    {
        const int Lines = 100_000;
        byte[] bytes;
        if (format == TraceFormat.Csv)
        {
            var text = new StringBuilder("page,kind,time\n");
            for (var i = 0; i < Lines; i++)
            {
                text.Append(i * 7 % 5000).Append(i % 3 == 0 ? ",w," : ",read,").Append(i).Append('\n');
            }
            bytes = Encoding.ASCII.GetBytes(text.ToString());
        }
        else
        {
            using var stream = new MemoryStream();
            TraceBinary.WriteHeader(stream, times: true);
            for (var i = 0; i < Lines; i++)
            {
                TraceBinary.WriteRecord(stream, i * 7 % 5000, i % 3 == 0, times: true, i);
            }
            bytes = stream.ToArray();
        }
        // Once to warm up (the JIT allocates), then measured: the check of the whole trace, and two passes through it.
        Read(bytes, format);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = Read(bytes, format);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2 * Enumerable.Range(0, Lines).Sum(i => (long)(i * 7 % 5000)), sum);
        // The fixed buffers (64 KiB a reader, a small ring): far below one object per access (2.4 MB at 24 bytes each).
        Assert.True(allocated < 400_000, $"{allocated} bytes allocated for {3 * Lines} accesses read");
    }

    private static long Read(byte[] bytes, TraceFormat format)
    {
        var trace = AccessTrace.FromBytes(bytes, format);
        using var window = new TraceWindow(trace);
        long sum = 0;
        for (long j = 0; j < 2 * trace.Length; j++)
        {
            sum += window.Take(j, out _);
        }
        return sum;
    }
}
