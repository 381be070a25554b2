namespace HmmEcs.Components.Memory;

/// <summary>Kind of a VMA (the components' copy of the scenario's VMA kinds).</summary>
public enum MappingKind : byte { Anon, SharedAnon, File, Hugetlb, Pfnmap }
