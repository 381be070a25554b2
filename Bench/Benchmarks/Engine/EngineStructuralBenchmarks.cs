using BenchmarkDotNet.Attributes;
using HmmEcs.Engine;

namespace HmmEcs.Benchmarks.Engine;

/// <summary>
/// Flipping a tag on and off for each of 100,000 entities: as an archetype move (per entity and in
/// bulk over a query), as an enable bit (per entity, per chunk row, in bulk), against a plain flag
/// array. Times are per flip (each invocation flips every entity on, then off).
/// </summary>
[Config(typeof(EngineBenchConfig))]
public class EngineStructuralBenchmarks
{
    private const int Count = 100_000;
    private const int Flips = 2 * Count;
    private static readonly QueryDescription s_untagged = new QueryDescription().WithAll<ColumnA>().WithNone<ArchetypeTag>();
    private static readonly QueryDescription s_tagged = new QueryDescription().WithAll<ColumnA, ArchetypeTag>();
    private static readonly QueryDescription s_enable = new QueryDescription().WithAll<ColumnA, EnableTag>();
    // All<EnableTag> would skip rows whose bit is clear; the bit group is told apart by ColumnC instead.
    private static readonly QueryDescription s_bitRows = new QueryDescription().WithAll<ColumnA, ColumnC>();
    private readonly Entity[] _moved = new Entity[Count];
    private readonly Entity[] _bits = new Entity[Count];
    private readonly bool[] _flags = new bool[Count];
    private World _world = null!;

    /// <summary>Two groups of entities: ones that move between archetypes, ones with an enable bit.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _world = new World();
        _world.RegisterEnableable<EnableTag>();
        _world.Create(_moved, new ColumnA { Value = 1 }, new ColumnB { Value = 2 });
        _world.Create(_bits, new ColumnA { Value = 1 }, new ColumnB { Value = 2 }, new ColumnC(), new EnableTag());
        _world.SetEnabled<EnableTag>(s_bitRows, false);
    }

    /// <summary>Entities carrying the archetype tag plus those with the enable bit set (0 between invocations).</summary>
    public int TaggedCount()
    {
        return _world.CountEntities(s_tagged) + _world.CountEntities(s_enable);
    }

    /// <summary>Sets every enable bit (for checking that the flip passes reach every row).</summary>
    public void SetAllBits()
    {
        _world.SetEnabled<EnableTag>(s_bitRows, true);
    }

    /// <summary>Drops the world.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _world.Dispose();
    }

    /// <summary>Floor: set then clear a bool per entity in a plain array.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Flips)]
    public void PlainFlag()
    {
        TagFlipLoops.SetThenClear(_flags);
    }

    /// <summary>World.Add / World.Remove of a zero-size tag: an archetype move each.</summary>
    [Benchmark(OperationsPerInvoke = Flips)]
    public void ArchetypeMovePerEntity()
    {
        TagFlipLoops.AddThenRemove<ArchetypeTag>(_world, _moved);
    }

    /// <summary>World.Add / World.Remove over a query: whole chunks relabelled.</summary>
    [Benchmark(OperationsPerInvoke = Flips)]
    public void ArchetypeMoveBulk()
    {
        _world.Add<ArchetypeTag>(s_untagged);
        _world.Remove<ArchetypeTag>(s_tagged);
    }

    /// <summary>World.SetEnabled per entity (entity lookup plus a bit write).</summary>
    [Benchmark(OperationsPerInvoke = Flips)]
    public void EnableBitPerEntity()
    {
        foreach (var e in _bits)
        {
            _world.SetEnabled<EnableTag>(e, true);
        }
        foreach (var e in _bits)
        {
            _world.SetEnabled<EnableTag>(e, false);
        }
    }

    /// <summary>Chunk.SetEnabled per row while walking the query's chunks.</summary>
    [Benchmark(OperationsPerInvoke = Flips)]
    public void EnableBitPerChunkRow()
    {
        foreach (var chunk in _world.Query(s_bitRows))
        {
            for (var r = 0; r < chunk.Count; r++)
            {
                chunk.SetEnabled<EnableTag>(r, true);
            }
        }
        foreach (var chunk in _world.Query(s_bitRows))
        {
            for (var r = 0; r < chunk.Count; r++)
            {
                chunk.SetEnabled<EnableTag>(r, false);
            }
        }
    }

    /// <summary>World.SetEnabled over a query: word stores.</summary>
    [Benchmark(OperationsPerInvoke = Flips)]
    public void EnableBitBulk()
    {
        _world.SetEnabled<EnableTag>(s_bitRows, true);
        _world.SetEnabled<EnableTag>(s_bitRows, false);
    }
}
