using System.Text.Json.Nodes;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Hosting;

/// <summary>Everything a budgeted and an unbudgeted run must agree on: every page of every VMA, stats, step outcomes.</summary>
internal sealed class SimulationSnapshot
{
    public List<string> Pages { get; } = [];
    public string Stats { get; private set; } = "";
    public List<string> Steps { get; } = [];
    public List<MigrateReason[]> Outcomes { get; } = [];
    public long MigratedTotal { get; private set; }

    /// <summary>Records the migrations of <paramref name="sim"/> as they complete; call before running it.</summary>
    public static SimulationSnapshot Watch(HostSimulation sim)
    {
        var snap = new SimulationSnapshot();
        sim.MigrationCompleted += (_, r) =>
        {
            snap.Outcomes.Add((MigrateReason[])r.PageOutcomes.Clone());
            snap.MigratedTotal += r.Migrated;
        };
        return snap;
    }

    /// <summary>Takes the final state after the run.</summary>
    public void Finish(HostSimulation sim)
    {
        var vmas = new List<(string Proc, string Vma, long Pages)>(sim.Vmas);
        vmas.Sort((a, b) => string.CompareOrdinal(a.Proc + "/" + a.Vma, b.Proc + "/" + b.Vma));
        foreach (var (proc, vma, pages) in vmas)
        {
            var views = new PageView[pages];
            sim.Machine.Inspect(proc, vma, 0, views);
            for (var i = 0; i < views.Length; i++)
            {
                Pages.Add($"{proc}/{vma}[{i}] {views[i]}");
            }
        }
        var s = sim.Machine.Stats();
        Stats = $"{s.RamUsed} {s.RamFree} {string.Join(',', s.DeviceUsed)} {string.Join(',', s.DeviceFree)} {string.Join(',', s.DeviceMirrored)} {s.Pinned} {s.Locked}";
        foreach (var step in sim.Results)
        {
            var json = step.ToJson(includeTiming: false);
            // Copy commands break at sub-range boundaries: batches (and device time) may differ; outcomes may not.
            if (json["copy"] is JsonObject copy)
            {
                copy.Remove("batches");
            }
            // Per-call costs (each sub-range's notifier range and walks) add up over the slices.
            json.Remove("costs");
            Steps.Add(json.ToJsonString());
        }
    }
}
