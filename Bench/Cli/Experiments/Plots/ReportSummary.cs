using System.Globalization;
using System.Text;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Cli.Experiments.Plots;

/// <summary>The table at the head of a report's <c>index.md</c>: one row of numbers per migrate step.</summary>
public static class ReportSummary
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// A Markdown table with a row per step of <paramref name="migrates"/> (with its target): step, target, requested,
    /// migrated, the reasons that are not zero, TLB flushes, copied pages, copy commands and device time.
    /// </summary>
    public static string Table(IEnumerable<(StepResult Step, string To)> migrates)
    {
        var md = new StringBuilder();
        md.Append("| step | to | requested | migrated | not migrated (reason: pages) | TLB flushes | copy pages | copy commands | device time |\n");
        md.Append("|---|---|--:|--:|---|--:|--:|--:|--:|\n");
        foreach (var (step, to) in migrates)
        {
            var m = (MigrateResult)step.Result;
            md.Append(Inv, $"| {step.Label} | {to} | {m.Requested} | {m.Migrated} | {Reasons(m)} | {m.TlbFlushes} | {m.Copy.Pages} | {m.Copy.Batches} | {TimeUnit.Format(DeviceTimeUs(step))} |\n");
        }
        return md.ToString();
    }

    /// <summary>The nonzero reasons a page did not migrate, <c>pinned: 16, swapped: 512</c>; a dash when every page migrated.</summary>
    public static string Reasons(MigrateResult m)
    {
        var parts = new List<string>();
        for (var r = 1; r < MigrateReasons.Count; r++)
        {
            if (m.Reasons[r] != 0)
            {
                parts.Add(string.Create(Inv, $"{((MigrateReason)r).Key()}: {m.Reasons[r]}"));
            }
        }
        return parts.Count == 0 ? "–" : string.Join(", ", parts);
    }

    /// <summary>The copy's device time as the result document shows it (rounded like every timing field).</summary>
    public static double DeviceTimeUs(StepResult step) => ResultFields.CopyDeviceTimeUs.Read(step).Number;
}
