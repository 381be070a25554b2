using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.Streams;

namespace HmmEcs.Tests.Workload;

/// <summary>The access patterns give the pages docs/scenarios.md ("Workloads") says, the same for the same seed.</summary>
public class AccessStreamTests
{
    private static long[] Pages(AccessPattern pattern, long count, int n, ulong seed = 1)
    {
        var s = new AccessStream(pattern, count, seed, 0);
        var pages = new long[n];
        for (var j = 0; j < n; j++)
        {
            pages[j] = s.PageAt(j);
        }
        return pages;
    }

    [Fact]
    public void StreamPassesInOrder() =>
        Assert.Equal([0, 1, 2, 3, 4, 0, 1], Pages(new AccessPattern(AccessPatternKind.Stream), 5, 7));

    [Fact]
    public void StridedGoesColumnByColumn() =>
        // 8 pages, stride 3: R = 3 rows; columns 0, 3, 6 | 1, 4, 7 | 2, 5, 8 -> 8 folds back to 0.
        Assert.Equal([0, 3, 6, 1, 4, 7, 2, 5, 0, 0], Pages(new AccessPattern(AccessPatternKind.Strided) { Stride = 3 }, 8, 10));

    [Fact]
    public void TiledSweepsEachTileReuseTimes()
    {
        // A 4-page-wide matrix of 2 rows, tiles of 2 x 2, each swept twice: tile 0 is pages 0, 1, 4, 5.
        var pattern = new AccessPattern(AccessPatternKind.Tiled) { Width = 4, Tile = 2, Reuse = 2 };
        Assert.Equal([0, 1, 4, 5, 0, 1, 4, 5, 2, 3, 6, 7, 2, 3, 6, 7, 0], Pages(pattern, 8, 17));
    }

    [Fact]
    public void TiledGemmVisitsARowOfATilesAndAColumnOfBTilesForEachTileOfC()
    {
        // Three 4 x 4-page matrices (A at 0, B at 16, C at 32), tiles of 2 x 2: for C(0,0) the visits are A(0,0), B(0,0),
        // A(0,1), B(1,0), C(0,0); then C(0,1) starts again at A(0,0) and takes B(0,1).
        var pattern = new AccessPattern(AccessPatternKind.Tiled) { Width = 4, Tile = 2, Reuse = 1, Sweep = TiledSweep.Gemm };
        Assert.Equal(
            [0, 1, 4, 5, 16, 17, 20, 21, 2, 3, 6, 7, 24, 25, 28, 29, 32, 33, 36, 37, 0, 1, 4, 5, 18, 19, 22, 23],
            Pages(pattern, 48, 28));
    }

    [Fact]
    public void RandomStaysInTheRangeAndFollowsTheSeed()
    {
        var pattern = new AccessPattern(AccessPatternKind.Random);
        var a = Pages(pattern, 1000, 10_000, seed: 5);
        Assert.All(a, p => Assert.InRange(p, 0, 999));
        Assert.Equal(a, Pages(pattern, 1000, 10_000, seed: 5));
        Assert.NotEqual(a, Pages(pattern, 1000, 10_000, seed: 6));
        // Uniform: every tenth of the range gets about a tenth of 10,000 draws.
        Assert.All(a.GroupBy(p => p / 100), g => Assert.InRange(g.Count(), 850, 1150));
    }

    [Fact]
    public void HotSetTakesItsShare()
    {
        var pattern = new AccessPattern(AccessPatternKind.HotCold) { HotFraction = 0.1, HotProbability = 0.9 };
        var hot = Pages(pattern, 1000, 20_000).Count(p => p < 100);
        Assert.InRange(hot, 17_600, 18_400);
    }

    [Fact]
    public void ZipfRanksFallWithTheirRank()
    {
        var counts = new int[1000];
        foreach (var p in Pages(new AccessPattern(AccessPatternKind.HotCold) { Zipf = 1.0 }, 1000, 50_000))
        {
            counts[p]++;
        }
        // Zipf(1) over 1,000 ranks: P(1) = 1 / H(1000) = 13.4%, P(2) = 6.7%, P(10) = 1.3%.
        Assert.InRange(counts[0], 6_300, 7_100);
        Assert.InRange(counts[1], 3_050, 3_650);
        Assert.InRange(counts[9], 500, 850);
    }

    [Fact]
    public void WriteFractionIsTheShareOfWrites()
    {
        var s = new AccessStream(new AccessPattern(AccessPatternKind.Stream), 64, 3, 0.25);
        var writes = Enumerable.Range(0, 40_000).Count(j => s.IsWrite(j));
        Assert.InRange(writes, 9_400, 10_600);
        var none = new AccessStream(new AccessPattern(AccessPatternKind.Stream), 64, 3, 0);
        Assert.DoesNotContain(Enumerable.Range(0, 1000), j => none.IsWrite(j));
    }
}
