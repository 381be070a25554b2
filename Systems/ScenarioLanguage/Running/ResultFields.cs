using System.Text.Json.Nodes;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ScenarioLanguage.Running;

/// <summary>Builds the op-specific fields of a step result, with SCENARIOS.md's key names and order.</summary>
internal static class ResultFields
{
    public static JsonObject Faults(in FaultCounts f) => new()
    {
        ["faults"] = new JsonObject { ["new"] = f.New, ["swap"] = f.Swap, ["device"] = f.Device, ["cow"] = f.Cow },
    };

    public static JsonObject Count(string key, long value) => new() { [key] = value };

    public static JsonObject Migrate(MigrateResult m)
    {
        var reasons = new JsonObject();
        for (var r = 1; r < MigrateReasons.Count; r++)
        {
            reasons[((MigrateReason)r).Key()] = m.Reasons[r];
        }
        return new JsonObject
        {
            ["requested"] = m.Requested,
            ["migrated"] = m.Migrated,
            ["reasons"] = reasons,
            ["tlbFlushes"] = m.TlbFlushes,
            ["copy"] = new JsonObject
            {
                ["pages"] = m.Copy.Pages,
                ["bytes"] = m.Copy.Bytes,
                ["batches"] = m.Copy.Batches,
                ["deviceTimeUs"] = Math.Round(m.Copy.DeviceTimeUs, 3),
            },
        };
    }

    public static JsonObject Verify(VerifyResult v, IReadOnlyList<DeviceConfig> devices)
    {
        var resident = new JsonObject { ["hole"] = v.Hole, ["ram"] = v.Ram, ["swap"] = v.Swap };
        for (var d = 0; d < devices.Count; d++)
        {
            resident[devices[d].Name] = At(v.Device, d);
        }
        return new JsonObject { ["checked"] = v.Checked, ["mismatches"] = v.Mismatches, ["resident"] = resident };
    }

    public static JsonObject Stats(StatsResult s, IReadOnlyList<DeviceConfig> devices)
    {
        var perDevice = new JsonObject();
        for (var d = 0; d < devices.Count; d++)
        {
            perDevice[devices[d].Name] = new JsonObject
            {
                ["used"] = At(s.DeviceUsed, d),
                ["free"] = At(s.DeviceFree, d),
                ["mirrored"] = At(s.DeviceMirrored, d),
            };
        }
        return new JsonObject
        {
            ["ram"] = new JsonObject { ["used"] = s.RamUsed, ["free"] = s.RamFree },
            ["devices"] = perDevice,
            ["pinned"] = s.Pinned,
            ["locked"] = s.Locked,
        };
    }

    public static JsonObject DeviceAccess(DeviceAccessResult r, bool read)
    {
        var o = new JsonObject { ["pages"] = r.Pages, ["faults"] = r.Faults };
        if (read)
        {
            o["mismatches"] = r.Mismatches;
        }
        return o;
    }

    public static JsonObject Snapshot(SnapshotResult r) => new()
    {
        ["states"] = new JsonObject
        {
            ["none"] = r.None, ["read"] = r.Read, ["write"] = r.Write, ["huge"] = r.Huge,
            ["device-local"] = r.DeviceLocal, ["device-remote"] = r.DeviceRemote,
        },
    };

    /// <summary>An engine may leave per-device arrays short until it tracks a quantity (mirror entries); missing reads 0.</summary>
    private static long At(long[] values, int i) => i < values.Length ? values[i] : 0;
}
