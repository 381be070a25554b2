using System.Diagnostics;
using System.Globalization;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Benchmarks.Migrate;

/// <summary>
/// <c>dotnet run -c Release --project Bench/Benchmarks -- phases [pages] [rounds] [helper-threads]</c>: the ECS migrate of
/// <see cref="MigrateScaleBenchmarks"/>'s shape and the floor's, interleaved round by round on fresh machines, with each
/// phase's time side by side. Quicker to read than a BenchmarkDotNet run when working on one phase; the targets' figures
/// still come from <see cref="MigrateScaleBenchmarks"/>.
/// </summary>
internal static class PhaseProbe
{
    public static int Run(string[] args)
    {
        var a = new ProbeArguments("phases", "[pages] [rounds] [helper-threads]", args);
        // Up to 2^27: the floor's RAM is twice the range, in int frame numbers.
        var pages = a.Get(0, "pages", 1 << 20, 64, 1 << 27);
        var rounds = a.Get(1, "rounds", 5, 1, 100_000);
        // 0: the machine's default (one thread per core); 1: every phase on the calling thread.
        var threads = a.Get(2, "helper-threads", 0, 0, 1024);
        if (a.Failed())
        {
            return ProbeArguments.Invalid;
        }
        var result = new MigrateResult();
        var floor = new FloorMachine(pages, 2 * pages, pages + pages / 16, 64);
        using var machine = PinnedRange.Build("ecs", pages, 2L * pages, pages + pages / 16, helperThreads: threads);
        var toDevice = new MigrateRequest("p", "buf", PageRange.All, "gpu0");
        var back = new MigrateRequest("p", "buf", PageRange.All, MigrateTargets.Ram);
        for (var round = 0; round < rounds; round++)
        {
            if (round > 0)
            {
                PinnedRange.Expect(machine.Migrate(back, result));
            }
            var t = Stopwatch.GetTimestamp();
            PinnedRange.Expect(machine.Migrate(toDevice, result));
            var ecsMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            var line = $"round {round} ecs {ecsMs,7:F1} ms (moved {result.Migrated}):";
            var inPhases = 0.0;
            foreach (var phase in ((EcsMachine)machine).LastMigratePhaseTimes)
            {
                line += $" {phase.Phase}={phase.Microseconds / 1000:F1}";
                inPhases += phase.Microseconds / 1000;
            }
            // Outside the phases: the call's arrays, the result, and the device mirror's mapping of what moved.
            Console.WriteLine(line + $" outside={ecsMs - inPhases:F1}");
            floor.Reset();
            t = Stopwatch.GetTimestamp();
            floor.MigrateInPhases();
            var floorMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            line = $"round {round} floor {floorMs,6:F1} ms:";
            for (var p = 0; p < FloorMachine.PhaseNames.Length; p++)
            {
                line += $" {FloorMachine.PhaseNames[p]}={floor.PhaseTicks[p] * 1000.0 / Stopwatch.Frequency:F1}";
            }
            Console.WriteLine(line + $"   ratio {ecsMs / floorMs:F2}");
        }
        GC.KeepAlive(floor);
        return 0;
    }
}
