using System.Globalization;
using System.Text;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Cli.Commands;

/// <summary>The readable one-line-per-step summary <c>hmmecs run</c> prints.</summary>
internal static class StepSummary
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The line before the steps: what the machine holds and how long building it took.</summary>
    public static string Setup(MachineConfig machine, double setupMs)
    {
        var b = new StringBuilder();
        b.Append(Inv, $"{"",8} {"setup",-9} ram {machine.RamPages} pages");
        foreach (var d in machine.DeviceList)
        {
            b.Append(Inv, $", {d.Name} {d.Pages} pages");
        }
        b.Append(Inv, $"  {ResultFields.RoundTiming(setupMs)} ms");
        return b.ToString();
    }

    /// <summary>One line: index (and repeat position), op, key numbers, error, misses.</summary>
    public static string Line(StepResult s)
    {
        var b = new StringBuilder();
        var at = s.Label;
        b.Append(Inv, $"{at,8} {s.Op,-9}");
        switch (s.Result)
        {
            case TouchResult { Faults: var f }:
                b.Append(Inv, $" faults new {f.New} swap {f.Swap} device {f.Device} cow {f.Cow}");
                break;
            case PageCountResult c:
                b.Append(Inv, $" {(s.Op switch { "swapout" => "swapped", "evict" => "migrated", _ => "pages" })} {c.Pages}");
                break;
            case MigrateResult m:
                Migrate(b, s, m);
                break;
            case VerifyResult v:
                b.Append(Inv, $" checked {v.Checked} mismatches {v.Mismatches} resident hole {v.Hole} ram {v.Ram} swap {v.Swap}");
                for (var d = 0; d < s.DeviceNames.Count; d++)
                {
                    b.Append(Inv, $" {s.DeviceNames[d]} {At(v.Device, d)}");
                }
                break;
            case StatsResult st:
                b.Append(Inv, $" ram used {st.RamUsed} free {st.RamFree}");
                for (var d = 0; d < s.DeviceNames.Count; d++)
                {
                    b.Append(Inv, $" {s.DeviceNames[d]} used {At(st.DeviceUsed, d)} free {At(st.DeviceFree, d)}");
                    if (At(st.DeviceMirrored, d) is var mirrored and not 0)
                    {
                        b.Append(Inv, $" mirrored {mirrored}");
                    }
                }
                b.Append(Inv, $" pinned {st.Pinned} locked {st.Locked}");
                break;
            case CheckResult c:
                b.Append(Inv, $" violations {c.Violations}");
                break;
            case DeviceAccessResult r:
                b.Append(Inv, $" pages {r.Pages} faults {r.Faults}");
                if (s.Op == "device-read")
                {
                    b.Append(Inv, $" mismatches {r.Mismatches}");
                }
                break;
            case SnapshotResult r:
                b.Append(Inv, $" states none {r.None} read {r.Read} write {r.Write} huge {r.Huge} device-local {r.DeviceLocal} device-remote {r.DeviceRemote}");
                break;
        }
        b.Append(Inv, $"  {s.WallMs:0.###} ms");
        if (s.ErrorName is { } e)
        {
            b.Append(Inv, $"  error {e}");
        }
        if (s.Invariants is { Violations: > 0 } inv)
        {
            b.Append(Inv, $"  INVARIANTS BROKEN ({inv.Violations}): {string.Join("; ", inv.Details.Take(3))}");
        }
        if (s.Result is CheckResult { Details.Count: > 0 } check)
        {
            b.Append(Inv, $"  {string.Join("; ", check.Details.Take(3))}");
        }
        foreach (var miss in s.ExpectFailures)
        {
            b.Append(Inv, $"  MISS {miss}");
        }
        return b.ToString();
    }

    private static void Migrate(StringBuilder b, StepResult s, MigrateResult m)
    {
        b.Append(Inv, $" requested {m.Requested} migrated {m.Migrated}");
        for (var r = 1; r < MigrateReasons.Count; r++)
        {
            if (m.Reasons[r] != 0)
            {
                b.Append(Inv, $" {((MigrateReason)r).Key()} {m.Reasons[r]}");
            }
        }
        // The device time as the document writes it: rounded, in JSON's shortest form.
        var deviceTime = ResultFields.CopyDeviceTimeUs.Read(s).ToJsonText();
        b.Append(Inv, $" flushes {m.TlbFlushes} copy {m.Copy.Pages} pages in {m.Copy.Batches} batches {deviceTime} us");
        if (s.WallMs > 0 && m.Migrated > 0)
        {
            b.Append(Inv, $"  {m.Migrated / (s.WallMs / 1000.0):0} pages/s");
        }
    }

    /// <summary>An engine may leave per-device arrays short until it tracks a quantity (mirror entries); missing reads 0.</summary>
    private static long At(long[] values, int i) => i < values.Length ? values[i] : 0;
}
