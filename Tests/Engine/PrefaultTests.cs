using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

/// <summary>Populating memory on another thread makes it resident and changes nothing its owner writes or reads.</summary>
public class PrefaultTests
{
    [Fact]
    public void WritesDuringPopulationSurviveAndTheRestReadsZero()
    {
        var values = GC.AllocateArray<long>(4 << 20);
        var flags = GC.AllocateUninitializedArray<byte>(1 << 20);
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
    public void APopulatedRangeIsResidentBeforeItsOwnerTouchesIt()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        // 48 MiB of an array nobody writes: after the thread is done, mincore finds its pages in memory.
        var untouched = GC.AllocateArray<byte>(64 << 20);
        var prefault = Prefault.Start(Prefault.Region.Of(untouched, 16 << 20, 48 << 20));
        Assert.NotNull(prefault);
        prefault.Wait();
        Assert.True(ResidentFraction(untouched, 16 << 20, 48 << 20) > 0.99);
        GC.KeepAlive(untouched);
    }

    [Fact]
    public void SmallArraysAreLeftToFaultOnFirstUse()
    {
        var small = GC.AllocateArray<long>(1024);
        Assert.Null(Prefault.Start(Prefault.Region.Of(small), Prefault.Region.Of(Array.Empty<int>())));
        Assert.Throws<ArgumentOutOfRangeException>(() => Prefault.Region.Of(small, 1000, 25));
    }

    private static unsafe double ResidentFraction(byte[] array, int start, int length)
    {
        fixed (byte* p = &array[start])
        {
            var first = (nint)p + 4095 & ~(nint)4095;
            var pages = (int)(((nint)p + length - first) / 4096);
            var vector = new byte[pages];
            Assert.Equal(0, Mincore(first, (nuint)pages * 4096, vector));
            return vector.Count(v => (v & 1) != 0) / (double)pages;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mincore", SetLastError = true)]
    private static extern int Mincore(nint address, nuint length, byte[] vector);
}
