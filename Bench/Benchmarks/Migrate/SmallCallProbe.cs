using System.Diagnostics;
using System.Globalization;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Benchmarks.Migrate;

/// <summary>
/// <c>dotnet run -c Release --project Bench/Benchmarks -- small-calls [pagesPerCall] [rounds] [helper-threads]</c>: the 1M-page range of
/// <see cref="MigrateSmallCallsBenchmarks"/> migrated in calls of <c>pagesPerCall</c> pages on a fresh machine each round,
/// with the time, the bytes allocated per call and each phase's total: quicker to read than a BenchmarkDotNet run when
/// working on per-call costs.
/// </summary>
internal static class SmallCallProbe
{
    public static int Run(string[] args)
    {
        const long pages = 1 << 20;
        var a = new ProbeArguments("small-calls", "[pages-per-call] [rounds] [helper-threads]", args);
        var perCall = a.Get(0, "pages-per-call", 512, 1, (int)pages);
        var rounds = a.Get(1, "rounds", 5, 1, 100_000);
        // 0: the machine's default (every core); 1 keeps a large call on the calling thread, as small calls are.
        var threads = a.Get(2, "helper-threads", 0, 0, 1024);
        if (a.Problem is null && pages % perCall != 0)
        {
            // Calls of one size over the whole range: a remainder would be left unmigrated.
            a.Refuse($"pages-per-call {perCall} does not divide the range's {pages:N0} pages (give a power of two)");
        }
        if (a.Failed())
        {
            return ProbeArguments.Invalid;
        }
        var result = new MigrateResult();
        for (var round = 0; round < rounds; round++)
        {
            GC.Collect();
            using var machine = PinnedRange.Build("ecs", pages, 2 * pages, 1_100_000, helperThreads: threads);
            var requests = new MigrateRequest[pages / perCall];
            for (var c = 0; c < requests.Length; c++)
            {
                requests[c] = new MigrateRequest("p", "buf", new PageRange((long)c * perCall, perCall), "gpu0");
            }
            var bytes = 0L;
            var ecs = (EcsMachine)machine;
            // Summed by index after each call (the phases come in the same order every call): no allocation in the loop.
            var phaseMs = new double[16];
            var t = Stopwatch.GetTimestamp();
            for (var c = 0; c < requests.Length; c++)
            {
                if (c == 1)
                {
                    // From the second call on: the first makes the VMA's mirror table (8 MB here), which the machine keeps.
                    // What is left is mostly the pages' generation blocks, made as pages are first dropped (4 bytes a page,
                    // kept too), and no garbage.
                    bytes = GC.GetAllocatedBytesForCurrentThread();
                }
                PinnedRange.Expect(machine.Migrate(requests[c], result));
                var times = ecs.LastMigratePhaseTimes;
                for (var p = 0; p < times.Count; p++)
                {
                    phaseMs[p] += times[p].Microseconds / 1000;
                }
            }
            var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            var perCallBytes = requests.Length > 1 ? (GC.GetAllocatedBytesForCurrentThread() - bytes) / (requests.Length - 1) : 0;
            var line = $"round {round} {requests.Length} calls of {perCall}: {ms,7:F1} ms, {ms * 1000 / requests.Length,6:F1} µs and " +
                $"{perCallBytes,5} B allocated per call after the first;";
            var inPhases = 0.0;
            var names = ecs.LastMigratePhaseTimes;
            for (var p = 0; p < names.Count; p++)
            {
                line += $" {names[p].Phase}={phaseMs[p]:F1}";
                inPhases += phaseMs[p];
            }
            // Outside the phases: the front layer's checks, the call's setup and result, the mirror's mapping, device sync.
            Console.WriteLine(line + $" outside={ms - inPhases:F1}");
        }
        return 0;
    }
}
