using BenchmarkDotNet.Attributes;
using HmmEcs.Engine;

namespace HmmEcs.Benchmarks.Engine;

/// <summary>
/// 100,000 tag adds then 100,000 tag removes, recorded into a command buffer and played back,
/// against the same changes applied directly and a plain flag array. Times are per command.
/// </summary>
[Config(typeof(EngineBenchConfig))]
public class EngineCommandBufferBenchmarks
{
    private const int Count = 100_000;
    private const int Commands = 2 * Count;
    private readonly Entity[] _entities = new Entity[Count];
    private readonly bool[] _flags = new bool[Count];
    private readonly CommandBuffer _buffer = new();
    private World _world = null!;

    /// <summary>Builds the world.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _world = new World();
        _world.Create(_entities, new ColumnA { Value = 1 }, new ColumnB { Value = 2 });
    }

    /// <summary>Entities carrying the tag (0 between invocations).</summary>
    public int TaggedCount()
    {
        return _world.CountEntities(new QueryDescription().WithAll<ArchetypeTag>()) + (_world.Size == Count ? 0 : -1);
    }

    /// <summary>Drops the world.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _world.Dispose();
    }

    /// <summary>Floor: set then clear a bool per entity.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Commands)]
    public void PlainFlag()
    {
        TagFlipLoops.SetThenClear(_flags);
    }

    /// <summary>The same structural changes applied directly.</summary>
    [Benchmark(OperationsPerInvoke = Commands)]
    public void Direct()
    {
        TagFlipLoops.AddThenRemove<ArchetypeTag>(_world, _entities);
    }

    /// <summary>Record, play back, record, play back.</summary>
    [Benchmark(OperationsPerInvoke = Commands)]
    public void RecordAndPlayback()
    {
        foreach (var e in _entities)
        {
            _buffer.Add<ArchetypeTag>(e);
        }
        _buffer.Playback(_world);
        foreach (var e in _entities)
        {
            _buffer.Remove<ArchetypeTag>(e);
        }
        _buffer.Playback(_world);
    }
}
