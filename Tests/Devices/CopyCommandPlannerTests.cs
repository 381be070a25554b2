using HmmEcs.Devices.Copy;

namespace HmmEcs.Tests.Devices;

public class CopyCommandPlannerTests
{
    /// <summary>Frame lists with runs of random length, random jumps (as pinned holes leave) and random sources.</summary>
    private static (long[] Src, long[] Dst) RandomCopies(Random rng, int n, double breakChance)
    {
        var src = new long[n];
        var dst = new long[n];
        long s = rng.Next(0, 1000);
        long d = rng.Next(0, 1000);
        for (var i = 0; i < n; i++)
        {
            if (i > 0)
            {
                var r = rng.NextDouble();
                s = r < breakChance / 2 ? rng.Next(0, 1 << 20) : s + 1;
                d = r >= breakChance / 2 && r < breakChance ? d + rng.Next(2, 5) : d + 1;
            }
            src[i] = s;
            dst[i] = d;
        }
        return (src, dst);
    }

    public static TheoryData<int, int, int, double> Cases()
    {
        var data = new TheoryData<int, int, int, double>();
        foreach (var engines in new[] { 1, 2, 3, 4 })
        {
            foreach (var max in new[] { 0, 1, 3, 5, 512 })
            {
                data.Add(engines, max, 2000, 0.02);
            }
            data.Add(engines, 512, 3000, 0.3);
            data.Add(engines, 64, 1, 0.0);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void CommandListGivesTheModelsTotalsAndSchedule(int engines, int maxBatch, int n, double breakChance)
    {
        var rng = new Random(engines * 1000 + maxBatch + n);
        var (src, dst) = RandomCopies(rng, n, breakChance);
        var p = new CopyParams(engines, 16 + engines, 3 + maxBatch % 7, maxBatch);
        var commands = new CopyCommand[4];
        var cost = CopyCommandPlanner.Plan(src, dst, p, new double[engines], ref commands, out var count);

        Assert.Equal(CopyModel.Cost(src, dst, p, new double[engines]), cost);
        Assert.Equal(cost.Batches, count);
        var free = new double[engines];
        var next = 0;
        var end = 0.0;
        foreach (var c in commands.AsSpan(0, count))
        {
            // Commands cover the copies in order, each a run of consecutive frames within the limit.
            Assert.Equal(next, c.FirstIndex);
            Assert.InRange(c.Pages, 1, Math.Max(1, maxBatch));
            Assert.Equal(src[c.FirstIndex], c.SrcFrame);
            Assert.Equal(dst[c.FirstIndex], c.DstFrame);
            for (var k = 1; k < c.Pages; k++)
            {
                Assert.Equal(c.SrcFrame + k, src[c.FirstIndex + k]);
                Assert.Equal(c.DstFrame + k, dst[c.FirstIndex + k]);
            }
            // Maximal: a command shorter than the limit stops where a frame jumps.
            var after = c.FirstIndex + c.Pages;
            if (after < n && c.Pages < Math.Max(1, maxBatch))
            {
                Assert.False(src[after] == src[after - 1] + 1 && dst[after] == dst[after - 1] + 1);
            }
            // Earliest free engine, lowest on ties.
            Assert.Equal(free[c.Engine], c.StartUs);
            for (var e = 0; e < engines; e++)
            {
                if (e < c.Engine)
                {
                    Assert.True(free[e] > c.StartUs);
                }
                else
                {
                    Assert.True(free[e] >= c.StartUs);
                }
            }
            Assert.Equal(c.StartUs + p.CommandUs(c.Pages), c.EndUs, 9);
            free[c.Engine] = c.EndUs;
            end = Math.Max(end, c.EndUs);
            next = after;
        }
        Assert.Equal(n, next);
        Assert.Equal(cost.DeviceTimeUs, end);
    }

    [Fact]
    public void EqualCommandsAlternateFromTheLowestEngine()
    {
        var src = Enumerable.Range(0, 8).Select(x => (long)x * 10).ToArray();
        var dst = Enumerable.Range(0, 8).Select(x => (long)x).ToArray();
        var commands = Array.Empty<CopyCommand>();
        var p = new CopyParams(3, 24, 5, 512);
        var cost = CopyCommandPlanner.Plan(src, dst, p, new double[3], ref commands, out var count);
        Assert.Equal(8, count);
        Assert.Equal(new[] { 0, 1, 2, 0, 1, 2, 0, 1 }, commands.Take(count).Select(c => c.Engine).ToArray());
        Assert.Equal(3 * p.CommandUs(1), cost.DeviceTimeUs, 9);
    }

    [Fact]
    public void FreshRangeCutsAtMaxBatchPages()
    {
        var src = Enumerable.Range(7, 1300).Select(x => (long)x).ToArray();
        var dst = Enumerable.Range(0, 1300).Select(x => (long)x).ToArray();
        var commands = Array.Empty<CopyCommand>();
        CopyCommandPlanner.Plan(src, dst, CopyParams.Default, new double[1], ref commands, out var count);
        Assert.Equal(new[] { 512, 512, 276 }, commands.Take(count).Select(c => c.Pages).ToArray());
        Assert.Equal(new long[] { 7, 519, 1031 }, commands.Take(count).Select(c => c.SrcFrame).ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ARunBreaksExactlyWhereOneFrameJumps(bool jumpInSource)
    {
        // One jump at every position 1..12 of a 40-copy run, in the source or the destination list.
        for (var at = 1; at <= 12; at++)
        {
            var src = Enumerable.Range(50, 40).Select(x => (long)x).ToArray();
            var dst = Enumerable.Range(0, 40).Select(x => (long)x).ToArray();
            var list = jumpInSource ? src : dst;
            for (var k = at; k < list.Length; k++)
            {
                list[k] += 3;
            }
            var commands = Array.Empty<CopyCommand>();
            var cost = CopyCommandPlanner.Plan(src, dst, CopyParams.Default, new double[1], ref commands, out var count);
            Assert.Equal(2, count);
            Assert.Equal(at, commands[0].Pages);
            Assert.Equal(40 - at, commands[1].Pages);
            Assert.Equal(CopyModel.Cost(src, dst, CopyParams.Default, new double[1]), cost);
        }
    }

    [Fact]
    public void WorkedExampleOfTheDocs()
    {
        // docs/perf-copy.md: 2 engines, maxBatchPages 4, the 7th of 9 pages pinned.
        long[] src = [10, 11, 12, 13, 14, 15, 40, 41];
        long[] dst = [0, 1, 2, 3, 4, 5, 6, 7];
        var p = new CopyParams(2, 24, 5, 4);
        var commands = Array.Empty<CopyCommand>();
        var cost = CopyCommandPlanner.Plan(src, dst, p, new double[2], ref commands, out var count);
        Assert.Equal(3, count);
        Assert.Equal(new CopyCommand(0, 0, p.CommandUs(4), 0, 4, 10, 0), commands[0]);
        Assert.Equal(new CopyCommand(1, 0, p.CommandUs(2), 4, 2, 14, 4), commands[1]);
        Assert.Equal(new CopyCommand(1, p.CommandUs(2), 2 * p.CommandUs(2), 6, 2, 40, 6), commands[2]);
        Assert.Equal(10.683, Math.Round(cost.DeviceTimeUs, 3));
        Assert.Equal(CopyModel.Cost(src, dst, p, new double[2]), cost);
    }
}
