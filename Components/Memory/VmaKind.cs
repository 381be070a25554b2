namespace HmmEcs.Components.Memory;

/// <summary>Kind of a VMA: the scenario's <c>mmap.kind</c> values, in its order.</summary>
public enum VmaKind : byte { Anon, SharedAnon, File, Hugetlb, Pfnmap }
