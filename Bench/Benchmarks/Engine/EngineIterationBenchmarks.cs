using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using HmmEcs.Engine;

namespace HmmEcs.Benchmarks.Engine;

/// <summary>One pass over 1, 2 or 3 columns of every entity (inline struct query) against the same loop over plain arrays; times are per entity.</summary>
/// <remarks>BenchmarkDotNet reports time per pass; divide by <see cref="N"/> for ns per entity.</remarks>
[Config(typeof(EngineBenchConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class EngineIterationBenchmarks
{
    private static readonly QueryDescription s_three = new QueryDescription().WithAll<ColumnA, ColumnB, ColumnC>();
    private World _world = null!;
    private long[] _a = null!;
    private long[] _b = null!;
    private long[] _c = null!;

    /// <summary>Entities in the world (and elements per plain array).</summary>
    [Params(1_000_000, 10_000_000)]
    public int N { get; set; }

    /// <summary>Rows per chunk (the world default is 4,096).</summary>
    [Params(4096, 16384)]
    public int Capacity { get; set; } = 4096;

    /// <summary>Builds the world and the plain arrays.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _world = new World(new WorldOptions { ChunkCapacity = Capacity });
        var created = new Entity[N];
        _world.Create(created, new ColumnA { Value = 1 }, new ColumnB { Value = 2 }, new ColumnC { Value = 3 });
        _a = new long[N];
        _b = new long[N];
        _c = new long[N];
        _a.AsSpan().Fill(1);
        _b.AsSpan().Fill(2);
        _c.AsSpan().Fill(3);
    }

    /// <summary>Sum of column A in the world and in the plain array (they agree after the same passes).</summary>
    public (long World, long Plain) Checksums()
    {
        long world = 0;
        foreach (var chunk in _world.Query(s_three))
        {
            foreach (var a in chunk.GetSpan<ColumnA>())
            {
                world += a.Value;
            }
        }
        long plain = 0;
        foreach (var a in _a)
        {
            plain += a;
        }
        return (world, plain);
    }

    /// <summary>Drops the world.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _world.Dispose();
    }

    private struct One : IForEach<ColumnA>
    {
        public void Update(ref ColumnA a)
        {
            a.Value += 1;
        }
    }

    private struct Two : IForEach<ColumnA, ColumnB>
    {
        public void Update(ref ColumnA a, ref ColumnB b)
        {
            a.Value += b.Value;
        }
    }

    private struct Three : IForEach<ColumnA, ColumnB, ColumnC>
    {
        public void Update(ref ColumnA a, ref ColumnB b, ref ColumnC c)
        {
            a.Value += b.Value + c.Value;
        }
    }

    /// <summary>Floor: a += 1 over a plain array.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("1")]
    public void Plain1()
    {
        var a = _a;
        for (var i = 0; i < a.Length; i++)
        {
            a[i] += 1;
        }
    }

    /// <summary>a += 1 through an inline query.</summary>
    [Benchmark, BenchmarkCategory("1")]
    public void Ecs1()
    {
        var job = new One();
        _world.InlineQuery<One, ColumnA>(s_three, ref job);
    }

    /// <summary>Floor: a += b over plain arrays.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("2")]
    public void Plain2()
    {
        var a = _a;
        var b = _b.AsSpan(0, a.Length);
        for (var i = 0; i < a.Length; i++)
        {
            a[i] += b[i];
        }
    }

    /// <summary>a += b through an inline query.</summary>
    [Benchmark, BenchmarkCategory("2")]
    public void Ecs2()
    {
        var job = new Two();
        _world.InlineQuery<Two, ColumnA, ColumnB>(s_three, ref job);
    }

    /// <summary>Floor: a += b + c over plain arrays.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("3")]
    public void Plain3()
    {
        var a = _a;
        var b = _b.AsSpan(0, a.Length);
        var c = _c.AsSpan(0, a.Length);
        for (var i = 0; i < a.Length; i++)
        {
            a[i] += b[i] + c[i];
        }
    }

    /// <summary>a += b + c through an inline query.</summary>
    [Benchmark, BenchmarkCategory("3")]
    public void Ecs3()
    {
        var job = new Three();
        _world.InlineQuery<Three, ColumnA, ColumnB, ColumnC>(s_three, ref job);
    }

    /// <summary>a += b + c by chunk spans (foreach over the query).</summary>
    [Benchmark, BenchmarkCategory("3")]
    public void EcsChunkSpans3()
    {
        foreach (var chunk in _world.Query(s_three))
        {
            var a = chunk.GetSpan<ColumnA>();
            var b = chunk.GetSpan<ColumnB>()[..a.Length];
            var c = chunk.GetSpan<ColumnC>()[..a.Length];
            for (var i = 0; i < a.Length; i++)
            {
                a[i].Value += b[i].Value + c[i].Value;
            }
        }
    }
}
