using HmmEcs.Components.Memory;
namespace HmmEcs.Components.Content;

/// <summary>
/// The content a scenario write gives a page: <c>Stamp(salt, i)</c> for VMA-relative page <c>i</c>.
/// Never-written memory is zero, so a stamp is never zero.
/// </summary>
public static class Stamp
{
    /// <summary>Bytes in one page.</summary>
    public const int PageBytes = PageGeometry.PageBytes;

    /// <summary>The 64-bit content stamp of page <paramref name="index"/> written with <paramref name="salt"/>.</summary>
    public static ulong Of(ulong salt, long index)
    {
        var x = Mix((salt * 0x9E3779B97F4A7C15UL) ^ (ulong)(index + 1));
        return x == 0 ? 1 : x;
    }

    /// <summary>Fills a 4096-byte page from a stamp (<c>bytes</c> payload mode); stamp 0 is all zero bytes.</summary>
    public static void Fill(ulong stamp, Span<byte> page)
    {
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(page);
        if (stamp == 0)
        {
            words.Clear();
            return;
        }
        for (var k = 0; k < words.Length; k++)
        {
            words[k] = Mix(stamp + (ulong)k * 0xD1B54A32D192ED03UL);
        }
        // Word 0 holds the stamp itself, so a page's stamp can be read back in O(1).
        words[0] = stamp;
    }

    /// <summary>True when <paramref name="page"/> holds exactly what <see cref="Fill"/> writes for <paramref name="stamp"/>.</summary>
    public static bool Matches(ulong stamp, ReadOnlySpan<byte> page)
    {
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(page);
        if (stamp == 0)
        {
            return page.IndexOfAnyExcept((byte)0) < 0;
        }
        if (words[0] != stamp)
        {
            return false;
        }
        for (var k = 1; k < words.Length; k++)
        {
            if (words[k] != Mix(stamp + (ulong)k * 0xD1B54A32D192ED03UL))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The stamp a filled page carries (its first word).</summary>
    public static ulong Read(ReadOnlySpan<byte> page) =>
        System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(page);

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
