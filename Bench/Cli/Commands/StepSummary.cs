using System.Globalization;
using System.Text;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Cli.Commands;

/// <summary>The readable one-line-per-step summary <c>hmmecs run</c> prints, and its parts for the terminal's table (<see cref="StepTable"/>).</summary>
internal static class StepSummary
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The line before the steps: what the machine holds and how long building it took.</summary>
    public static string Setup(MachineConfig machine, double setupMs) =>
        string.Create(Inv, $"{"",8} {"setup",-9} {Machine(machine)}  {SetupMs(setupMs)} ms");

    /// <summary>What the machine holds: RAM and each device, in pages.</summary>
    public static string Machine(MachineConfig machine)
    {
        var b = new StringBuilder();
        b.Append(Inv, $"ram {machine.RamPages} pages");
        foreach (var d in machine.DeviceList)
        {
            b.Append(Inv, $", {d.Name} {d.Pages} pages");
        }
        return TerminalText.Escape(b.ToString());
    }

    /// <summary>The machine's build time in milliseconds, rounded as the result document rounds it.</summary>
    public static string SetupMs(double setupMs) => ResultFields.RoundTiming(setupMs).ToString(Inv);

    /// <summary>One line: index (and repeat position), op, key numbers, wall time, error, misses.</summary>
    public static string Line(StepResult s)
    {
        var b = new StringBuilder();
        b.Append(Inv, $"{s.Label,8} {s.Op,-9}");
        AppendNumbers(b, s);
        b.Append(Inv, $"  {WallMs(s)} ms");
        foreach (var note in Notes(s))
        {
            b.Append("  ").Append(note);
        }
        return TerminalText.Escape(b.ToString());
    }

    /// <summary>The step's key numbers, as in <see cref="Line"/> (empty for an op that reports none).</summary>
    public static string Numbers(StepResult s)
    {
        var b = new StringBuilder();
        AppendNumbers(b, s);
        return b.Length == 0 ? "" : TerminalText.Escape(b.ToString(1, b.Length - 1)); // each part starts with its separating space
    }

    /// <summary>The step's wall time in milliseconds, as in <see cref="Line"/>.</summary>
    public static string WallMs(StepResult s) => s.WallMs.ToString("0.###", Inv);

    /// <summary>What went wrong, as in <see cref="Line"/>: the error, broken invariants, the check's details, each expectation miss.</summary>
    public static IReadOnlyList<string> Notes(StepResult s)
    {
        var notes = new List<string>();
        if (s.ErrorName is { } e)
        {
            notes.Add($"error {e}");
        }
        if (s.Invariants is { Violations: > 0 } inv)
        {
            notes.Add(string.Create(Inv, $"INVARIANTS BROKEN ({inv.Violations}): {string.Join("; ", inv.Details.Take(3))}"));
        }
        if (s.Result is CheckResult { Details.Count: > 0 } check)
        {
            notes.Add(string.Join("; ", check.Details.Take(3)));
        }
        foreach (var miss in s.ExpectFailures)
        {
            notes.Add($"MISS {miss}");
        }
        return notes.ConvertAll(TerminalText.Escape);
    }

    private static void AppendNumbers(StringBuilder b, StepResult s)
    {
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
                if (v.Zero > 0)
                {
                    // Only machines with the zero page map it: other summaries keep their shape.
                    b.Append(Inv, $" zero {v.Zero}");
                }
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
                if (st.SwapCache > 0)
                {
                    // Only machines with the swap cache have one: other summaries keep their shape.
                    b.Append(Inv, $" swapCache {st.SwapCache}");
                }
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
            case WorkloadResult w:
                b.Append(Inv, $" accesses {w.Accesses} hits {w.Hits} faults {w.Faults} duplicates {w.DuplicateFaults} batches {w.Batches}");
                b.Append(Inv, $" migrated {w.MigratedPages} remote {w.RemotePages} modelled {ResultFields.RoundTiming(w.TotalUs)} us");
                break;
            case SnapshotResult r:
                b.Append(Inv, $" states none {r.None} read {r.Read} write {r.Write} huge {r.Huge} device-local {r.DeviceLocal} device-remote {r.DeviceRemote}");
                b.Append(Inv, $" coherent-local {r.CoherentLocal} coherent-remote {r.CoherentRemote} error {r.Error}");
                break;
        }
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
