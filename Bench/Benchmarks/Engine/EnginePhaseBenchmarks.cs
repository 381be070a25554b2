using System.Runtime.CompilerServices;
using BenchmarkDotNet.Attributes;
using HmmEcs.Engine;

namespace HmmEcs.Benchmarks.Engine;

/// <summary>
/// A migration-phase-like pass over 10M page entities: decide per page (a hash of its first
/// column against <see cref="Percent"/>) and tag the selected pages, then untag them all in bulk —
/// with the tag as an enable bit, and as an archetype move. Times are per page for the two passes.
/// </summary>
[Config(typeof(EngineSingleShotConfig))]
public class EnginePhaseBenchmarks
{
    private const int Count = 10_000_000;
    private static readonly QueryDescription s_pages = new QueryDescription().WithAll<ColumnA, ColumnB, ColumnC>();
    private static readonly QueryDescription s_movePages = s_pages.WithNone<EnableTag, ArchetypeTag>();
    private static readonly QueryDescription s_moved = s_pages.WithAll<ArchetypeTag>();
    private readonly ulong[] _plainBits = new ulong[Count / 64 + 1];
    private long[] _plainColumn = null!;
    private Entity[] _selected = null!;
    private World _bitWorld = null!;
    private World _moveWorld = null!;

    /// <summary>Percentage of pages the phase selects.</summary>
    [Params(1, 50, 100)]
    public int Percent { get; set; }

    /// <summary>Two 10M-page worlds (one with the enable tag) and a plain column.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var created = new Entity[Count];
        _bitWorld = new World();
        _bitWorld.RegisterEnableable<EnableTag>();
        _bitWorld.Create(created, new ColumnA(), new ColumnB(), new ColumnC(), new EnableTag());
        _bitWorld.SetEnabled<EnableTag>(s_pages, false);
        _moveWorld = new World();
        _moveWorld.Create(created, new ColumnA(), new ColumnB(), new ColumnC());
        _plainColumn = new long[Count];
        for (var i = 0; i < Count; i++)
        {
            _plainColumn[i] = i;
            _bitWorld.Get<ColumnA>(created[i]).Value = i;
            _moveWorld.Get<ColumnA>(created[i]).Value = i;
        }
        _selected = new Entity[Count];
    }

    /// <summary>Drops the worlds.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _bitWorld.Dispose();
        _moveWorld.Dispose();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Selected(long value, int percent)
    {
        return (uint)(value * 2654435761L) % 100 < (uint)percent;
    }

    /// <summary>Floor: build a plain bitmap from the predicate, then clear it.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public void PlainBitmap()
    {
        var column = _plainColumn;
        var bits = _plainBits;
        var percent = Percent;
        for (var w = 0; w < Count / 64; w++)
        {
            var word = 0UL;
            for (var b = 0; b < 64; b++)
            {
                word |= (Selected(column[(w << 6) + b], percent) ? 1UL : 0) << b;
            }
            bits[w] = word;
        }
        bits.AsSpan().Clear();
    }

    private struct MarkJob(int percent) : IChunkJob
    {
        public void Execute(Chunk chunk, ReadOnlySpan<ulong> mask, bool useMask)
        {
            var values = chunk.GetSpan<ColumnA>();
            var bits = chunk.GetEnabledMask<EnableTag>();
            var count = values.Length;
            for (var w = 0; w < (count + 63) >> 6; w++)
            {
                var word = 0UL;
                var rows = Math.Min(64, count - (w << 6));
                for (var b = 0; b < rows; b++)
                {
                    word |= (Selected(values[(w << 6) + b].Value, percent) ? 1UL : 0) << b;
                }
                bits[w] = word;
            }
            chunk.RecountEnabled<EnableTag>();
        }
    }

    /// <summary>Enable bit: mask words built per chunk, then cleared by a bulk query store.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public void EnableBit()
    {
        var job = new MarkJob(Percent);
        _bitWorld.InlineChunkQuery(s_pages, ref job);
        _bitWorld.SetEnabled<EnableTag>(s_pages, false);
    }

    private struct CollectJob(int percent, Entity[] selected) : IForEachWithEntity<ColumnA>
    {
        public int Count;

        public void Update(Entity e, ref ColumnA a)
        {
            if (Selected(a.Value, percent))
            {
                selected[Count++] = e;
            }
        }
    }

    /// <summary>Archetype move: selected pages collected, moved one by one, then moved back by a bulk query (chunk relabel).</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public void ArchetypeMove()
    {
        var job = new CollectJob(Percent, _selected);
        _moveWorld.InlineEntityQuery<CollectJob, ColumnA>(s_movePages, ref job);
        for (var i = 0; i < job.Count; i++)
        {
            _moveWorld.Add<ArchetypeTag>(_selected[i]);
        }
        _moveWorld.Remove<ArchetypeTag>(s_moved);
    }
}
