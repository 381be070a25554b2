namespace HmmEcs.Components.Memory;

/// <summary>Kind of a VMA: the scenario's <c>mmap.kind</c> values, in its order.</summary>
public enum VmaKind : byte
{
    Anon,
    SharedAnon,
    File,
    Hugetlb,
    Pfnmap,
    /// <summary><c>MAP_PRIVATE</c> of a (new, zero) file: reads map the page-cache page read-only, a write copies it to a private anonymous page.</summary>
    FilePrivate,
}
