using HmmEcs.Components.Tags;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Runs a phase's visitor over the pages in flight: on the calling thread for a small request, on the machine's cores
/// for a large one (<see cref="MigratingParts.Worth"/>), each thread taking parts of <see cref="HelperThreads.PartRows"/>
/// chunk rows. A part owns the mask words of its rows, so a page that gives up clears its own bit; the counts every
/// part adds up are applied afterwards in part order, so the outcome is the serial one whatever thread ran what.
/// Kept by the phase (its parts and tallies are reused call after call).
/// </summary>
internal sealed class MigratingPagesOnCores<TVisitor> : PartitionedWork
    where TVisitor : IPartVisitor<TVisitor>, allows ref struct
{
    private readonly MigratingParts _parts = new();
    private PartTally[] _tallies = [];
    private MigrateState _s = null!;

    /// <summary>
    /// Visits every page in flight. On cores, the ids a part deferred (<see cref="PartTally.Deferred"/>) are handed to
    /// <paramref name="deferred"/> on the calling thread after the parts, part by part in page order.
    /// </summary>
    public void Run(MigrateState s, in QueryDescription query, Action<MigrateState, List<int>>? deferred = null)
    {
        if (!MigratingParts.Worth(s))
        {
            var tally = new PartTally();
            var visitor = TVisitor.Create(s, ref tally);
            MigratingPages.ForEach(s, query, ref visitor);
            visitor.Flush();
            tally.ApplyTo(s);
            return;
        }
        _s = s;
        _parts.Split(s, query);
        if (_tallies.Length < _parts.Count)
        {
            Array.Resize(ref _tallies, _parts.Count);
        }
        for (var p = 0; p < _parts.Count; p++)
        {
            // Started over, so a call that threw half way leaves nothing behind for the next.
            var ids = _tallies[p].Deferred ?? [];
            ids.Clear();
            _tallies[p] = new PartTally { OnCores = true, Deferred = ids };
        }
        try
        {
            Run(_parts.Count, s.Mm.HelperThreads.Workers);
        }
        finally
        {
            _s = null!;
        }
        for (var p = 0; p < _parts.Count; p++)
        {
            ref var tally = ref _tallies[p];
            _parts.ChunkOf(p).AdjustEnabledCount<Migrate>(-tally.Failed);
            tally.ApplyTo(s);
            if (tally.Deferred!.Count > 0)
            {
                deferred?.Invoke(s, tally.Deferred);
                tally.Deferred.Clear();
            }
        }
    }

    protected override void Work(int part)
    {
        var visitor = TVisitor.Create(_s, ref _tallies[part]);
        _parts.ForEach(_s, part, ref visitor);
        visitor.Flush();
    }
}
