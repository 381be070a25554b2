using HmmEcs.Engine;

namespace HmmEcs.Tests.Engine;

public class HugePageAdviceTests
{
    private static readonly string[] Maps =
    [
        "7f4c97400000-7f4c97410000 rw-p 00000000 00:00 0 ",
        "7f4c9781d000-7f4c97827000 rw-p 00000000 00:00 0 ",
        "7f4c97827000-7f4c98fa7000 ---p 00000000 00:00 0 ",
        "7f4c98fa7000-7f4c98fb1000 rw-p 00000000 00:00 0 ",
        "7f4c98fb1000-7f4c99000000 ---p 00000000 00:00 0 ",
        "7f4c99000000-7f4c99021000 rw-p 00000000 00:00 0 ",
        "7f588c400000-7f588d2db000 r--s 00000000 fe:00 350922                     /usr/share/dotnet/shared/System.Private.CoreLib.dll",
    ];

    [Fact]
    public void TheRunIsTheAdjacentAnonymousMappingsAroundTheAddress()
    {
        Assert.True(HugePageAdvice.TryFindAnonymousRun(Maps, 0x7f4c98fa8000, out var start, out var end));
        Assert.Equal(0x7f4c9781d000UL, start);
        Assert.Equal(0x7f4c99021000UL, end);
        // A gap ends the run; an address in a file mapping or in no mapping has none.
        Assert.True(HugePageAdvice.TryFindAnonymousRun(Maps, 0x7f4c97400010, out start, out end));
        Assert.Equal((0x7f4c97400000UL, 0x7f4c97410000UL), (start, end));
        Assert.False(HugePageAdvice.TryFindAnonymousRun(Maps, 0x7f588c400100, out _, out _));
        Assert.False(HugePageAdvice.TryFindAnonymousRun(Maps, 0x7f4c97500000, out _, out _));
        Assert.False(HugePageAdvice.TryFindAnonymousRun(["not a maps line"], 0x1000, out _, out _));
    }

    [Fact]
    public void TheRunIsCutToTheReservation()
    {
        // A neighbour after the reservation is left out; a run no longer than the reservation is kept whole.
        Assert.Equal((0x1000UL, 0x9000UL), HugePageAdvice.ClampToReservation(0x1000, 0xA000, 0x2000, 0x8000));
        Assert.Equal((0x2000UL, 0xA000UL), HugePageAdvice.ClampToReservation(0x1000, 0xA000, 0x9800, 0x8000));
        Assert.Equal((0x1000UL, 0xA000UL), HugePageAdvice.ClampToReservation(0x1000, 0xA000, 0x2000, 0));
        Assert.Equal((0x1000UL, 0xA000UL), HugePageAdvice.ClampToReservation(0x1000, 0xA000, 0x2000, 0x10000));
    }

    [Fact]
    public void AdviceIsGivenOnlyWhereTheKernelAsksForIt()
    {
        const string Thp = "/sys/kernel/mm/transparent_hugepage/enabled";
        var madvise = OperatingSystem.IsLinux() && File.Exists(Thp) && File.ReadAllText(Thp).Contains("[madvise]");
        var given = HugePageAdvice.AdviseManagedHeap();
        if (!madvise)
        {
            Assert.False(given);
        }
        // Twice is harmless.
        Assert.Equal(given, HugePageAdvice.AdviseManagedHeap());
    }
}
