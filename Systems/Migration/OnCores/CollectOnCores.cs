using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Frames;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Collect of a large request on the machine's cores: the request's slots cut into ranges that begin and end on PMD
/// boundaries (so each range counts the flushes of its own PMD spans), each collected by
/// <see cref="CollectSystem.CollectRange"/> through its own cursor, whose mask words and counts are stored atomically
/// (two ranges' pages may share a mask word). A page is mapped by one PTE of the range at most, so no two ranges take
/// the same page. The counts are added in range order afterwards.
/// </summary>
internal sealed class CollectOnCores : PartitionedWork
{
    private CollectSystem.RangeTally[] _tallies = [];
    private MigrateState _s = null!;
    private int _firstEnd;
    private int _partPages;

    public void Run(MigrateState s)
    {
        // Parts of whole PMDs, at least one, cut at absolute PMD boundaries of the VMA.
        _partPages = Math.Max(1, s.Mm.HelperThreads.PartRows / PageGeometry.PmdPages) * PageGeometry.PmdPages;
        _firstEnd = (int)Math.Min(s.Count, _partPages - s.Start % _partPages);
        var parts = 1 + (s.Count - _firstEnd + _partPages - 1) / _partPages;
        if (_tallies.Length < parts)
        {
            _tallies = new CollectSystem.RangeTally[parts];
        }
        _tallies.AsSpan(0, parts).Clear();
        _s = s;
        try
        {
            Run(parts, s.Mm.HelperThreads.Workers);
        }
        finally
        {
            _s = null!;
        }
        for (var p = 0; p < parts; p++)
        {
            s.Collected += _tallies[p].Collected;
            s.TlbFlushes += _tallies[p].Flushes;
        }
        s.SrcMigrating += s.Collected;
        if (s.Collected <= MigrateState.SmallRequest)
        {
            RecordSmall(s);
        }
    }

    protected override void Work(int part)
    {
        var from = part == 0 ? 0 : _firstEnd + (part - 1) * _partPages;
        var to = part == 0 ? _firstEnd : Math.Min(_s.Count, from + _partPages);
        var cursor = new PageCursor(_s.Mm.Memory, concurrent: true);
        CollectSystem.CollectRange(_s, from, to, ref cursor, ref _tallies[part]);
        cursor.Flush();
    }

    /// <summary>A request that took few pages (most of a large range was holes) visits its slots directly, as a serial walk records them.</summary>
    private static void RecordSmall(MigrateState s)
    {
        var k = 0;
        for (var slot = 0; slot < s.Count && k < s.Collected; slot++)
        {
            if (s.Outcome[slot] == MigrateReason.None && (s.Src[slot].Value & HmmPfn.Migrate) != 0)
            {
                s.SmallSlots[k] = slot;
                s.SmallChunks[k] = s.Mm.Memory.Locate((int)s.Src[slot].Pfn, out s.SmallRows[k]);
                k++;
            }
        }
    }
}
