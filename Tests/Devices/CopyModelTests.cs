using HmmEcs.Devices.Copy;

namespace HmmEcs.Tests.Devices;

public class CopyModelTests
{
    [Fact]
    public void ThreePageRunsBetweenPinnedPagesMatchTheContractExample()
    {
        // 1024 pages, every 4th pinned: 768 copies in 256 runs of 3 (docs/scenarios.md's example result).
        var src = new List<long>();
        var dst = new List<long>();
        long d = 0;
        for (long i = 0; i < 1024; i++)
        {
            if (i % 4 == 0) continue;
            src.Add(i);
            dst.Add(d++);
        }
        var cost = CopyModel.Cost(src.ToArray(), dst.ToArray(), CopyParams.Default, new double[1]);
        Assert.Equal(768, cost.Pages);
        Assert.Equal(256, cost.Batches);
        Assert.Equal(1411.1, Math.Round(cost.DeviceTimeUs, 1));
    }

    [Fact]
    public void TheReadmeExampleHalvesWithTwoEnginesAndA512PageCommandTakes92Point4Us()
    {
        var src = new List<long>();
        var dst = new List<long>();
        long d = 0;
        for (long i = 0; i < 1024; i++)
        {
            if (i % 4 == 0) continue;
            src.Add(i);
            dst.Add(d++);
        }
        var two = CopyModel.Cost(src.ToArray(), dst.ToArray(), CopyParams.Default with { Engines = 2 }, new double[2]);
        Assert.Equal(256, two.Batches);
        Assert.Equal(705.5, Math.Round(two.DeviceTimeUs, 1));
        Assert.Equal(92.4, Math.Round(CopyParams.Default.CommandUs(512), 1));
    }

    [Fact]
    public void FreshRangeCopiesIn512PageCommandsSpreadOverEngines()
    {
        var src = Enumerable.Range(100, 2048).Select(x => (long)x).ToArray();
        var dst = Enumerable.Range(0, 2048).Select(x => (long)x).ToArray();
        var p = new CopyParams(Engines: 2);
        var cost = CopyModel.Cost(src, dst, p, new double[2]);
        Assert.Equal(4, cost.Batches);
        Assert.Equal(2 * p.CommandUs(512), cost.DeviceTimeUs, 9);
    }
}
