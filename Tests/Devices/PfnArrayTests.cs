using HmmEcs.Components.Migration;
using HmmEcs.Devices.Driver;

namespace HmmEcs.Tests.Devices;

public class PfnArrayTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(37)]
    [InlineData(1000)]
    public void VectorReadsAgreeWithAPlainWalk(int length)
    {
        var random = new Random(length);
        var src = new HmmPfn[length];
        var dst = new HmmPfn[length];
        for (var i = 0; i < length; i++)
        {
            var kind = random.Next(8);
            src[i] = kind == 0 ? default : HmmPfn.From(i, kind < 6 ? HmmPfn.Migrate | HmmPfn.Locked : HmmPfn.Locked);
            dst[i] = kind is 0 or 7 ? default : HmmPfn.From(5000 + i, HmmPfn.Migrate | HmmPfn.Device);
        }
        Assert.Equal(src.Count(p => p.Has(HmmPfn.Migrate)), PfnArray.CountMigrating(src));
        var expected = Enumerable.Range(0, length).Where(i => dst[i].Value != 0 && !src[i].Has(HmmPfn.Migrate)).ToList();
        var found = new List<int>();
        for (var i = PfnArray.NextOrphanedDestination(src, dst, 0); i >= 0; i = PfnArray.NextOrphanedDestination(src, dst, i + 1))
        {
            found.Add(i);
        }
        Assert.Equal(expected, found);
    }
}
