namespace HmmEcs.Components.Memory;

/// <summary>The VMA component: one mapping of one address space.</summary>
public struct VmaArea
{
    /// <summary>Owning address space id.</summary>
    public int Process;
    /// <summary>Machine-wide VMA id.</summary>
    public int Id;
    /// <summary>Size in pages.</summary>
    public long Pages;
    /// <summary>Global number of the PTE of page 0 (the VMA's PTEs are consecutive).</summary>
    public int FirstPte;
    /// <summary>File or shmem object mapped, -1 for private memory.</summary>
    public int File;
    /// <summary>Kind.</summary>
    public VmaKind Kind;
    /// <summary>VM_WRITE.</summary>
    public bool Writable;
    /// <summary>Transparent huge pages enabled.</summary>
    public bool Thp;

    /// <summary>True for file and shared-anon (shmem) mappings.</summary>
    public readonly bool Shared => Kind is VmaKind.File or VmaKind.SharedAnon;
}
