using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Cli.Experiments.Trace;

/// <summary>One copy command: which engine ran it, when (model µs from the submission), and which pages (VMA-relative).</summary>
public readonly record struct CopyCommand(int Engine, double StartUs, double DurationUs, long FirstPage, long Pages);

/// <summary>
/// The command timeline of one migration's copies: the commands the device's copy engine issued where the engine
/// exposes them (ECS, <see cref="MigrateRecord.Commands"/>). Otherwise (the reference engine reports only totals)
/// the timeline is rebuilt with <see cref="CopyModel"/>'s rules from the pages that migrated, taking consecutive
/// VMA pages as consecutive frames; it is <see cref="Exact"/> when the rebuilt command count and finish time equal
/// the machine's, else one bar for the whole copy.
/// </summary>
/// <param name="Device">The device whose copy engines the timeline uses.</param>
/// <param name="Engines">Copy engines of that device.</param>
/// <param name="Commands">Commands in submission order.</param>
/// <param name="Exact">True when the commands are the issued ones, or rebuilt ones that reproduce the reported batches and device time.</param>
/// <param name="Issued">True when the commands are the ones the engine issued, not rebuilt.</param>
public sealed record CopyTimeline(string Device, int Engines, IReadOnlyList<CopyCommand> Commands, bool Exact, bool Issued = false)
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
        DeviceConfig? matched = null;
        List<CopyCommand>? rebuilt = null;
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
                (matched, rebuilt) = (dev, commands);
                break;
            }
        }
        if (record.Commands is { Count: > 0 } issued)
        {
            // The device is the target, or for a migration to RAM the one whose model the pages' commands fit.
            var dev = target >= 0 ? config.DeviceList[target] : matched ?? config.DeviceList[candidates[0]];
            var engines = Math.Max(Math.Max(1, dev.CopyEngines), issued.Max(c => c.Engine) + 1);
            return new CopyTimeline(dev.Name, engines, FromIssued(issued, record.PageOutcomes, record.Request.Range.First), true, true);
        }
        if (matched is not null && rebuilt is not null)
        {
            return new CopyTimeline(matched.Name, Math.Max(1, matched.CopyEngines), rebuilt, true);
        }
        var name = target >= 0 ? config.DeviceList[target].Name : config.DeviceList[candidates[0]].Name;
        return new CopyTimeline(name, 1, [new CopyCommand(0, 0, deviceTimeUs, record.Request.Range.First, copyPages)], false);
    }

    /// <summary>
    /// The engine's commands with their first page in the VMA: a command's first copy is the k-th migrating page in
    /// address order, which is the page it copies when the destinations ascend with the addresses (the driver's usual
    /// case; otherwise the copies are in destination order and the page is approximate).
    /// </summary>
    private static List<CopyCommand> FromIssued(IReadOnlyList<HmmEcs.Devices.Copy.CopyCommand> issued, MigrateReason[] outcomes, long first)
    {
        var commands = new List<CopyCommand>(issued.Count);
        var page = 0;
        var copies = 0;
        foreach (var c in issued)
        {
            while (page < outcomes.Length && (outcomes[page] != MigrateReason.None || copies < c.FirstIndex))
            {
                copies += outcomes[page] == MigrateReason.None ? 1 : 0;
                page++;
            }
            commands.Add(new CopyCommand(c.Engine, c.StartUs, c.EndUs - c.StartUs, first + page, c.Pages));
        }
        return commands;
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
