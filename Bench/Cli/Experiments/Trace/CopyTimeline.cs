using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Cli.Experiments.Trace;

/// <summary>One copy command: which engine ran it, when (model µs from the submission), and which pages (VMA-relative).</summary>
public readonly record struct CopyCommand(int Engine, double StartUs, double DurationUs, long FirstPage, long Pages);

/// <summary>
/// The command timeline of one migration's copies. The machines report only totals (pages, batches, device
/// time), so the timeline is rebuilt with <see cref="CopyModel"/>'s rules from the pages that migrated, taking
/// consecutive VMA pages as consecutive frames. It is <see cref="Exact"/> when the rebuilt command count and
/// finish time equal the machine's; otherwise it is one bar for the whole copy.
/// </summary>
/// <param name="Device">The device whose copy engines the timeline uses.</param>
/// <param name="Engines">Copy engines of that device.</param>
/// <param name="Commands">Commands in submission order.</param>
/// <param name="Exact">True when the rebuilt commands reproduce the reported batches and device time.</param>
public sealed record CopyTimeline(string Device, int Engines, IReadOnlyList<CopyCommand> Commands, bool Exact)
{
    /// <summary>The timeline of a migrate step, or null when it copied nothing.</summary>
    public static CopyTimeline? Build(MachineConfig config, MigrateRecord record, long copyPages, long batches, double deviceTimeUs)
    {
        if (copyPages == 0 || config.DeviceList.Count == 0)
        {
            return null;
        }
        var target = config.DeviceIndex(record.Request.To);
        // A migration to RAM is copied by the device the pages leave; try each when the target is RAM.
        var candidates = target >= 0 ? [target] : Enumerable.Range(0, config.DeviceList.Count).ToArray();
        foreach (var d in candidates)
        {
            var dev = config.DeviceList[d];
            var commands = Rebuild(record.PageOutcomes, record.Request.Range.First, dev);
            var end = 0.0;
            foreach (var c in commands)
            {
                end = Math.Max(end, c.StartUs + c.DurationUs);
            }
            if (commands.Count == batches && Math.Abs(end - deviceTimeUs) <= 0.002 + 1e-6 * deviceTimeUs)
            {
                return new CopyTimeline(dev.Name, Math.Max(1, dev.CopyEngines), commands, true);
            }
        }
        var name = target >= 0 ? config.DeviceList[target].Name : config.DeviceList[candidates[0]].Name;
        return new CopyTimeline(name, 1, [new CopyCommand(0, 0, deviceTimeUs, record.Request.Range.First, copyPages)], false);
    }

    private static List<CopyCommand> Rebuild(MigrateReason[] outcomes, long first, DeviceConfig dev)
    {
        var p = dev.Copy;
        var free = new double[Math.Max(1, p.Engines)];
        var commands = new List<CopyCommand>();
        var i = 0;
        while (i < outcomes.Length)
        {
            if (outcomes[i] != MigrateReason.None)
            {
                i++;
                continue;
            }
            var run = 1;
            while (i + run < outcomes.Length && run < p.MaxBatchPages && outcomes[i + run] == MigrateReason.None)
            {
                run++;
            }
            var engine = 0;
            for (var e = 1; e < free.Length; e++)
            {
                if (free[e] < free[engine])
                {
                    engine = e;
                }
            }
            var us = p.CommandUs(run);
            commands.Add(new CopyCommand(engine, free[engine], us, first + i, run));
            free[engine] += us;
            i += run;
        }
        return commands;
    }
}
