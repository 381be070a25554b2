using HmmEcs.Components.Content;

namespace HmmEcs.Tests.Content;

/// <summary>Content stamps: never zero, and a page of bytes carries its stamp.</summary>
public class StampTests
{
    [Fact]
    public void StampsAreNonZeroAndBytesRoundTrip()
    {
        var page = new byte[Stamp.PageBytes];
        for (var i = 0; i < 1000; i++)
        {
            var s = Stamp.Of(7, i);
            Assert.NotEqual(0UL, s);
            Stamp.Fill(s, page);
            Assert.True(Stamp.Matches(s, page));
            Assert.Equal(s, Stamp.Read(page));
            Assert.False(Stamp.Matches(Stamp.Of(8, i), page));
        }
        Stamp.Fill(0, page);
        Assert.True(Stamp.Matches(0, page));
    }
}
