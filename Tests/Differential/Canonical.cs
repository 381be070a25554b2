using System.Globalization;
using System.Text;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Differential;

/// <summary>Canonical text of results, so two engines' answers compare as strings and print readably.</summary>
internal static class Canonical
{
    public static string Of(MigrateResult r)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"req={r.Requested} mig={r.Migrated} reasons=[{string.Join(',', r.Reasons)}] tlb={r.TlbFlushes} holes={r.HolesInserted} costs={r.Costs.UnmapFlushes},{r.Costs.Invalidations},{r.Costs.LruDrainAll},{r.Costs.Walks} ");
        sb.Append(CultureInfo.InvariantCulture, $"copy={r.Copy.Pages}/{r.Copy.Bytes}/{r.Copy.Batches}/{r.Copy.DeviceTimeUs:F6} outcomes=");
        foreach (var o in r.PageOutcomes)
        {
            sb.Append((int)o).Append('.');
        }
        if (r.Findings is { } findings)
        {
            // v13-as-posted: the defects that fired, with their slots, must be the same on both engines.
            sb.Append(" findings=[").AppendJoin("; ", findings.Lines()).Append(']');
        }
        return sb.ToString();
    }

    public static string Of(Systems.Machine.Races.RaceReport? r) => r is null ? "races=none" :
        $"races={r.Waited}/{r.SawNew}/{r.SawRestored}/{r.Hung}/{r.Pinned}/{r.MmapWaits}/{r.Migrated}/{r.Locked}/{r.Failed}";

    public static string Of(VerifyResult r) =>
        $"checked={r.Checked} mism={r.Mismatches} hole={r.Hole} ram={r.Ram} swap={r.Swap} dev=[{string.Join(',', r.Device)}]";

    public static string Of(StatsResult s) =>
        $"ram={s.RamUsed}/{s.RamFree} used=[{string.Join(',', s.DeviceUsed)}] free=[{string.Join(',', s.DeviceFree)}] " +
        $"mirrored=[{string.Join(',', s.DeviceMirrored)}] pinned={s.Pinned} locked={s.Locked}";

    public static string Of(ReadOnlySpan<PageView> views)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < views.Length; i++)
        {
            var v = views[i];
            var device = v.Residence == Residence.Device ? v.Device : -1; // the device index means nothing elsewhere
            sb.Append(CultureInfo.InvariantCulture, $"{i}:{v.Residence}/{device}/{v.Content:x}/{(v.Writable ? 'w' : 'r')} ");
        }
        return sb.ToString();
    }
}
