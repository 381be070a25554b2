using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>
/// Mainline's three calls, written plainly: the helper's loops split where the kernel's API splits them (setup, the
/// driver's allocate-and-copy, pages, finalize), the same loops a one-call migrate runs in one go.
/// </summary>
public sealed partial class ReferenceMachine
{
    private bool[] _take = [];

    private protected override long MigrateVmaSetupCore(int vma, long first, int count, int target, MigrateSelection select, Span<ulong> src)
    {
        var m = SetupRun(_vmas[vma], first, count, target, default, select, src);
        long cpages = 0;
        for (var k = 0; k < count; k++)
        {
            if (m.Outcome[k] != MigrateReason.None)
            {
                src[k] &= ~MigratePfn.Migrate;
            }
            else if ((src[k] & MigratePfn.Migrate) != 0)
            {
                cpages++;
            }
        }
        return cpages;
    }

    private protected override int MigrateVmaUnitsCore(Span<int> slots, Span<bool> folio)
    {
        var units = _run.Units;
        for (var u = 0; u < units.Count; u++)
        {
            slots[u] = (int)units[u].Slot;
            folio[u] = units[u].Folio;
        }
        return units.Count;
    }

    private protected override void MigrateVmaAllocAndCopyCore(ReadOnlySpan<ulong> src, Span<ulong> dst)
    {
        var m = _run;
        if (!m.DriverCalled)
        {
            return;
        }
        if (_take.Length < m.Count)
        {
            _take = new bool[m.Count];
        }
        for (var k = 0; k < m.Count; k++)
        {
            _take[k] = (src[k] & MigratePfn.Migrate) != 0;
        }
        // A page the driver declines gives up before allocation, as a workload block's unselected pages do.
        _selected = _take;
        try
        {
            m.Copy = AllocAndCopy(m);
        }
        finally
        {
            _selected = null;
        }
        for (var k = 0; k < m.Count; k++)
        {
            dst[k] = m.InFlight(k) && m.Destination[k] is { } page ? MigratePfn.Of(Pfn(page)) | (src[k] & MigratePfn.Write) : 0;
        }
    }

    private protected override void MigrateVmaPagesCore(Span<ulong> src, ReadOnlySpan<ulong> dst)
    {
        var m = _run;
        for (var k = 0; k < m.Count; k++)
        {
            if (!m.InFlight(k) || (dst[k] != 0 && m.Destination[k] is not null))
            {
                continue;
            }
            // migrate_vma_pages: no destination, no migration. A destination the driver dropped goes back now (the ECS
            // engine frees it at finalize, as an orphan: nothing allocates in between).
            m.Outcome[k] = MigrateReason.Alloc;
            if (m.Destination[k] is { } unused)
            {
                m.Destination[k] = null;
                FreePage(unused);
            }
        }
        PagesRun(m);
        for (var k = 0; k < m.Count; k++)
        {
            if (m.Outcome[k] != MigrateReason.None)
            {
                src[k] &= ~MigratePfn.Migrate;
            }
        }
    }

    private protected override void MigrateVmaFinalizeCore(MigrateResult result)
    {
        var m = _run;
        Array.Clear(result.Reasons);
        result.Migrated = 0;
        FinalizeRun(m, result);
        result.Requested = m.Count;
        RecordOutcomes(m.Vma, m.First, m.Count, m.Target, m.Outcome, null, result);
    }

    /// <summary>The three-call API's <c>src</c> right after collect: a collected page's pfn with MIGRATE and its entry's write bit, MIGRATE alone for a hole, 0 for a slot collect gave up.</summary>
    private void CollectedSrc(MigrationRun m, Span<ulong> src)
    {
        for (var k = 0; k < m.Count; k++)
        {
            src[(int)k] = m.Source[k] is { } page
                ? MigratePfn.Of(Pfn(page)) | MigratePfn.Migrate | (m.Vma.Ptes[m.First + k].Write ? MigratePfn.Write : 0)
                : m.Hole[k] && m.Outcome[k] == MigrateReason.None ? MigratePfn.Migrate : 0;
        }
    }

    /// <summary>The machine-wide frame number of <paramref name="page"/> (RAM frames, then each device's pages).</summary>
    private long Pfn(RefPage page) => page.Device < 0 ? page.Frame : Config.DevicePfnBase(page.Device) + page.Frame;
}
