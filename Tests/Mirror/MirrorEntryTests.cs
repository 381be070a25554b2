using HmmEcs.Devices.Mirror;

namespace HmmEcs.Tests.Mirror;

/// <summary>The 8-byte mirror entry: access and free count share a word without disturbing each other.</summary>
public class MirrorEntryTests
{
    [Fact]
    public void IsEightBytes() => Assert.Equal(8, System.Runtime.CompilerServices.Unsafe.SizeOf<MirrorEntry>());

    [Theory]
    [InlineData(0u, MirrorEntry.Read)]
    [InlineData(1u, MirrorEntry.Write)]
    [InlineData(MirrorEntry.GenerationMask, MirrorEntry.Write)]
    public void KeepsAccessAndGenerationApart(uint generation, byte access)
    {
        var e = new MirrorEntry { Page = 7, Generation = generation, Access = access };
        Assert.Equal((generation, access), (e.Generation, e.Access));
        e.Access = MirrorEntry.Read;
        Assert.Equal((generation, MirrorEntry.Read), (e.Generation, e.Access));
        e.Generation = generation + 1;
        Assert.Equal(((generation + 1) & MirrorEntry.GenerationMask, MirrorEntry.Read), (e.Generation, e.Access));
    }

    [Fact]
    public void NamesOnlyTheSamePageAtTheSameFreeCount()
    {
        var e = new MirrorEntry { Page = 42, Generation = 5, Access = MirrorEntry.Read };
        Assert.True(e.Names(42, 5));
        Assert.False(e.Names(42, 6));
        Assert.False(e.Names(43, 5));
        // The count is kept modulo 2^30: a full wrap of the frame's frees reads as the same page.
        Assert.True(e.Names(42, 5 + MirrorEntry.GenerationMask + 1));
    }
}
