using System.Text.Json;
using System.Text.Json.Nodes;

namespace HmmEcs.Tests.Experiments;

public sealed class TraceTests : ExperimentFiles
{
    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void TheTraceIsChromeTraceEventJson(string engine)
    {
        var path = At("t.json");
        Assert.Equal(0, Hmmecs("run", ScenarioPath, "--engine", engine, "--trace", path, "--json", At("r.json")));
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var events = doc.RootElement.GetProperty("traceEvents");
        Assert.Equal(JsonValueKind.Array, events.ValueKind);
        var result = JsonNode.Parse(File.ReadAllText(At("r.json")))!;
        var steps = result["steps"]!.AsArray();
        int stepsSeen = 0, copies = 0, counters = 0;
        foreach (var e in events.EnumerateArray())
        {
            var ph = e.GetProperty("ph").GetString();
            Assert.Contains(ph, new[] { "X", "C", "M" });
            Assert.Equal(JsonValueKind.String, e.GetProperty("name").ValueKind);
            Assert.True(e.GetProperty("pid").GetInt32() > 0);
            Assert.True(e.GetProperty("tid").GetInt32() >= 0);
            if (ph == "M")
            {
                Assert.Equal(JsonValueKind.String, e.GetProperty("args").GetProperty("name").ValueKind);
                continue;
            }
            Assert.True(e.GetProperty("ts").GetDouble() >= 0);
            if (ph == "X")
            {
                Assert.True(e.GetProperty("dur").GetDouble() > 0);
                var cat = e.GetProperty("cat").GetString();
                stepsSeen += cat == "step" ? 1 : 0;
                copies += cat == "copy" ? 1 : 0;
                if (cat == "copy")
                {
                    Assert.True(e.GetProperty("args").GetProperty("exact").GetBoolean(), "the command list is rebuilt exactly for this scenario");
                }
            }
            else
            {
                counters++;
                Assert.True(e.GetProperty("args").GetProperty("new").GetInt64() >= 0);
            }
        }
        Assert.Equal(steps.Count, stepsSeen);
        var batches = steps.Where(s => s!["op"]!.GetValue<string>() == "migrate").Sum(s => s!["copy"]!["batches"]!.GetValue<long>());
        Assert.True(batches > 0);
        Assert.Equal(batches, copies);
        Assert.Equal(4, counters); // two touches, each a rise and a fall
    }

    [Fact]
    public void CopyCommandsOfOneMigrateShareItsEnginesWithoutOverlap()
    {
        Assert.Equal(0, Hmmecs("run", ScenarioPath, "--trace", At("t.json")));
        var events = JsonNode.Parse(File.ReadAllText(At("t.json")))!["traceEvents"]!.AsArray()
            .Where(e => e!["cat"]?.GetValue<string>() == "copy" && e["args"]!["step"]!.GetValue<string>() == "4").ToList();
        Assert.Equal(2, events.Select(e => e!["tid"]!.GetValue<int>()).Distinct().Count()); // two copy engines
        foreach (var track in events.GroupBy(e => e!["tid"]!.GetValue<int>()))
        {
            var spans = track.Select(e => (Ts: e!["ts"]!.GetValue<double>(), Dur: e["dur"]!.GetValue<double>())).OrderBy(s => s.Ts).ToList();
            for (var i = 1; i < spans.Count; i++)
            {
                Assert.True(spans[i].Ts >= spans[i - 1].Ts + spans[i - 1].Dur - 0.01, "commands on one engine do not overlap");
            }
        }
        Assert.Equal(112, events.Sum(e => e!["args"]!["pages"]!.GetValue<long>()));
    }

    [Theory]
    [InlineData("reference")]
    [InlineData("ecs")]
    public void ACopyWhoseCommandsCannotBeRebuiltIsTheIssuedListOnEcsAndOneEventOnTheReference(string engine)
    {
        // Interleaved first touches give VMA a RAM frames 0-31 and 64-95: two commands, which the page
        // outcomes alone cannot tell from one.
        var file = Write("split.json", """
            { "devices": [ { "name": "gpu0", "pages": 256 } ], "steps": [
              { "op": "process", "name": "p" },
              { "op": "mmap", "proc": "p", "vma": "a", "pages": 64, "kind": "anon" },
              { "op": "mmap", "proc": "p", "vma": "b", "pages": 64, "kind": "anon" },
              { "op": "touch", "proc": "p", "vma": "a", "access": "write", "count": 32 },
              { "op": "touch", "proc": "p", "vma": "b", "access": "write" },
              { "op": "touch", "proc": "p", "vma": "a", "access": "write", "first": 32 },
              { "op": "migrate", "proc": "p", "vma": "a", "to": "gpu0" }
            ] }
            """);
        Assert.Equal(0, Hmmecs("run", file, "--engine", engine, "--trace", At("t.json"), "--json", At("r.json")));
        var copy = JsonNode.Parse(File.ReadAllText(At("r.json")))!["steps"]![6]!["copy"]!;
        var events = JsonNode.Parse(File.ReadAllText(At("t.json")))!["traceEvents"]!.AsArray()
            .Where(e => e!["cat"]?.GetValue<string>() == "copy").ToList();
        if (engine == "ecs")
        {
            // The ECS copy engine's own command list: the two runs of frames, 32 pages each, from pages 0 and 32.
            Assert.Equal(2, copy["batches"]!.GetValue<long>());
            Assert.Equal(2, events.Count);
            Assert.All(events, e => Assert.True(e!["args"]!["exact"]!.GetValue<bool>()));
            Assert.Equal([32L, 32L], events.Select(e => e!["args"]!["pages"]!.GetValue<long>()));
            Assert.Equal([0L, 32L], events.Select(e => e!["args"]!["firstPage"]!.GetValue<long>()));
            return;
        }
        var only = Assert.Single(events)!;
        Assert.False(only["args"]!["exact"]!.GetValue<bool>());
        Assert.Equal(64, only["args"]!["pages"]!.GetValue<long>());
        Assert.Equal(copy["deviceTimeUs"]!.GetValue<double>(), only["dur"]!.GetValue<double>(), 3);
        Assert.Contains($"{copy["batches"]!.GetValue<long>()} commands", only["name"]!.GetValue<string>());
    }

    [Fact]
    public void SlicesOnOneTrackNeverOverlapSoTraceViewersNestThem()
    {
        // Back-to-back migrates whose model copy time outlasts their wall time.
        var file = Write("loop.json", """
            { "devices": [ { "name": "gpu0", "pages": 1024, "bandwidthGBps": 1 } ], "steps": [
              { "op": "process", "name": "p" },
              { "op": "mmap", "proc": "p", "vma": "buf", "pages": 256, "kind": "anon" },
              { "op": "touch", "proc": "p", "vma": "buf", "access": "write" },
              { "op": "repeat", "times": 3, "steps": [
                { "op": "migrate", "proc": "p", "vma": "buf", "to": "gpu0" },
                { "op": "migrate", "proc": "p", "vma": "buf", "to": "ram" } ] } ] }
            """);
        Assert.Equal(0, Hmmecs("run", file, "--trace", At("t.json")));
        var slices = JsonNode.Parse(File.ReadAllText(At("t.json")))!["traceEvents"]!.AsArray()
            .Where(e => e!["ph"]!.GetValue<string>() == "X")
            .Select(e => (Track: (e!["pid"]!.GetValue<int>(), e["tid"]!.GetValue<int>()), Ts: e["ts"]!.GetValue<double>(), Dur: e["dur"]!.GetValue<double>()))
            .ToList();
        Assert.Contains(slices, s => s.Track.Item1 == 2);
        foreach (var track in slices.GroupBy(s => s.Track))
        {
            var sorted = track.OrderBy(s => s.Ts).ToList();
            for (var i = 1; i < sorted.Count; i++)
            {
                Assert.True(sorted[i].Ts >= sorted[i - 1].Ts + sorted[i - 1].Dur - 0.002, $"track {track.Key}: slice at {sorted[i].Ts} overlaps the one at {sorted[i - 1].Ts}");
            }
        }
    }
}
