using BenchmarkDotNet.Attributes;
using HmmEcs.Engine;

namespace HmmEcs.Benchmarks.Engine;

/// <summary>
/// Memory of a 10M-entity world with 24 bytes of components (three 8-byte columns): read the
/// "Allocated" column — every byte the world allocated while being built (chunks, entity column,
/// entity table, archetypes), an upper bound of what it holds. The caller's span of handles is
/// allocated once in setup and not counted.
/// </summary>
[Config(typeof(EngineSingleShotConfig))]
public class EngineFootprintBenchmarks
{
    private const int Count = 10_000_000;
    private readonly Entity[] _created = new Entity[Count];
    private World? _world;

    /// <summary>Drops the previous world before the next is built.</summary>
    [IterationSetup]
    public void Drop()
    {
        _world?.Dispose();
        _world = null;
        GC.Collect();
    }

    /// <summary>Builds the world by one bulk create.</summary>
    [Benchmark]
    public int World10MWith24Bytes()
    {
        _world = new World();
        _world.Create(_created, new ColumnA(), new ColumnB(), new ColumnC());
        return _world.Size;
    }
}
