namespace HmmEcs.Components.Memory;

/// <summary>
/// The x86-64 page geometry the simulator models: 4 KiB pages, 512 of them under one PMD (a 2 MiB huge
/// page, the span a huge fault maps, collect splits and TLB flushes are counted per).
/// </summary>
public static class PageGeometry
{
    /// <summary>Bytes in a page.</summary>
    public const int PageBytes = 4096;

    /// <summary>Pages under one PMD.</summary>
    public const int PmdPages = 512;

    /// <summary><c>log2(PmdPages)</c>.</summary>
    public const int PmdShift = 9;

    /// <summary>The page's offset bits inside its PMD.</summary>
    public const int PmdMask = PmdPages - 1;

    /// <summary>The PMD (huge region) number of VMA page <paramref name="page"/>.</summary>
    public static long PmdOf(long page) => page >> PmdShift;

    /// <summary>The position of VMA page <paramref name="page"/> inside its PMD.</summary>
    public static int OffsetInPmd(long page) => (int)(page & PmdMask);

    /// <summary>PMDs needed to cover <paramref name="pages"/> pages.</summary>
    public static long PmdsFor(long pages) => (pages + PmdMask) >> PmdShift;
}
