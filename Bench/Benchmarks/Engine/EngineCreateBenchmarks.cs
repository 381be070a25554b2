using BenchmarkDotNet.Attributes;
using HmmEcs.Engine;

namespace HmmEcs.Benchmarks.Engine;

/// <summary>Creating 1M entities of two components; times are per entity.</summary>
[Config(typeof(EngineSingleShotConfig))]
public class EngineCreateBenchmarks
{
    private const int Count = 1_000_000;
    private readonly Entity[] _created = new Entity[Count];
    private World _world = null!;

    /// <summary>A fresh world for every invocation.</summary>
    [IterationSetup]
    public void NewWorld()
    {
        _world = new World();
    }

    /// <summary>Releases the iteration's world.</summary>
    [IterationCleanup]
    public void DropWorld()
    {
        _world.Dispose();
    }

    /// <summary>Floor: allocate and fill two plain arrays.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Count)]
    public long PlainArrays()
    {
        var a = new ColumnA[Count];
        var b = new ColumnB[Count];
        a.AsSpan().Fill(new ColumnA { Value = 1 });
        b.AsSpan().Fill(new ColumnB { Value = 2 });
        return a.Length + b.Length;
    }

    /// <summary>Bulk create into a span.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int BulkCreate()
    {
        _world.Create(_created, new ColumnA { Value = 1 }, new ColumnB { Value = 2 });
        return _world.Size;
    }

    /// <summary>One Create call per entity.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int CreateOneByOne()
    {
        var a = new ColumnA { Value = 1 };
        var b = new ColumnB { Value = 2 };
        for (var i = 0; i < Count; i++)
        {
            _created[i] = _world.Create(a, b);
        }
        return _world.Size;
    }
}
