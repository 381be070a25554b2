using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Cli.Commands;

/// <summary>The readable one-line-per-step summary <c>hmmecs run</c> prints.</summary>
internal static class StepSummary
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One line: index (and repeat position), op, key numbers, error, misses.</summary>
    public static string Line(StepResult s)
    {
        var b = new StringBuilder();
        var at = s.Label;
        b.Append(Inv, $"{at,8} {s.Op,-9}");
        var f = s.Fields;
        switch (s.Op)
        {
            case "touch":
                b.Append(Inv, $" faults new {N(f, "faults.new")} swap {N(f, "faults.swap")} device {N(f, "faults.device")} cow {N(f, "faults.cow")}");
                break;
            case "pin" or "unpin" or "lock" or "unlock":
                b.Append(Inv, $" pages {N(f, "pages")}");
                break;
            case "swapout":
                b.Append(Inv, $" swapped {N(f, "swapped")}");
                break;
            case "migrate":
                Migrate(b, s);
                break;
            case "verify":
                b.Append(Inv, $" checked {N(f, "checked")} mismatches {N(f, "mismatches")} resident");
                Pairs(b, f["resident"] as JsonObject);
                break;
            case "stats":
                b.Append(Inv, $" ram used {N(f, "ram.used")} free {N(f, "ram.free")}");
                if (f["devices"] is JsonObject devices)
                {
                    foreach (var (name, d) in devices)
                    {
                        b.Append(Inv, $" {name} used {d?["used"]} free {d?["free"]}");
                        if (d?["mirrored"] is JsonValue m && m.GetValue<long>() != 0)
                        {
                            b.Append(Inv, $" mirrored {m}");
                        }
                    }
                }
                b.Append(Inv, $" pinned {N(f, "pinned")} locked {N(f, "locked")}");
                break;
            case "check":
                b.Append(Inv, $" violations {N(f, "violations")}");
                break;
            case "device-read":
                b.Append(Inv, $" pages {N(f, "pages")} faults {N(f, "faults")} mismatches {N(f, "mismatches")}");
                break;
            case "device-write":
                b.Append(Inv, $" pages {N(f, "pages")} faults {N(f, "faults")}");
                break;
            case "snapshot":
                b.Append(Inv, $" states");
                Pairs(b, f["states"] as JsonObject);
                break;
            case "evict":
                b.Append(Inv, $" migrated {N(f, "migrated")}");
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
        if (s.Op == "check" && f["details"] is JsonArray details && details.Count > 0)
        {
            b.Append(Inv, $"  {string.Join("; ", details.Take(3))}");
        }
        foreach (var miss in s.ExpectFailures)
        {
            b.Append(Inv, $"  MISS {miss}");
        }
        return b.ToString();
    }

    private static void Migrate(StringBuilder b, StepResult s)
    {
        var f = s.Fields;
        b.Append(Inv, $" requested {N(f, "requested")} migrated {N(f, "migrated")}");
        if (f["reasons"] is JsonObject reasons)
        {
            foreach (var (reason, count) in reasons)
            {
                if (count is JsonValue v && v.GetValue<long>() != 0)
                {
                    b.Append(Inv, $" {reason} {v}");
                }
            }
        }
        b.Append(Inv, $" flushes {N(f, "tlbFlushes")} copy {N(f, "copy.pages")} pages in {N(f, "copy.batches")} batches {f["copy"]?["deviceTimeUs"]} us");
        var migrated = f["migrated"]?.GetValue<long>() ?? 0;
        if (s.WallMs > 0 && migrated > 0)
        {
            b.Append(Inv, $"  {migrated / (s.WallMs / 1000.0):0} pages/s");
        }
    }

    private static void Pairs(StringBuilder b, JsonObject? o)
    {
        if (o is null)
        {
            return;
        }
        foreach (var (k, v) in o)
        {
            b.Append(Inv, $" {k} {v}");
        }
    }

    private static string N(JsonObject o, string path) =>
        ExpectationChecker.TryResolve(o, path, out var v) ? v?.ToJsonString() ?? "null" : "-";
}
