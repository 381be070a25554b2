using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

/// <summary>Populating memory on another thread changes nothing its owner writes or reads, before, during or after.</summary>
public class PrefaultTests
{
    [Fact]
    public void WritesDuringPopulationSurviveAndTheRestReadsZero()
    {
        var values = GC.AllocateArray<long>(4 << 20, pinned: true);
        var flags = GC.AllocateUninitializedArray<byte>(1 << 20, pinned: true);
        var prefault = Prefault.Start(Prefault.Region.Of(values), Prefault.Region.Of(flags));
        for (var i = 0; i < values.Length; i += 3)
        {
            values[i] = i + 1;
        }
        flags.AsSpan().Fill(7);
        if (OperatingSystem.IsLinux())
        {
            Assert.NotNull(prefault);
        }
        prefault?.Wait();
        for (var i = 0; i < values.Length; i++)
        {
            Assert.Equal(i % 3 == 0 ? i + 1 : 0, values[i]);
        }
        Assert.All(flags, f => Assert.Equal(7, f));
    }

    [Fact]
    public void SmallArraysAreLeftToFaultOnFirstUse()
    {
        var small = GC.AllocateArray<long>(1024, pinned: true);
        Assert.Null(Prefault.Start(Prefault.Region.Of(small), Prefault.Region.Of(Array.Empty<int>())));
    }
}
