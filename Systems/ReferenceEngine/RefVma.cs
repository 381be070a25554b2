using HmmEcs.Components.Memory;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>
/// What the reverse map walks: the VMAs that may map a page at its index. For private memory
/// it is the fork family of one mmap (an anon_vma); for file and shared-anon memory the file,
/// which also holds the page cache and the expected content of its pages.
/// </summary>
internal sealed class RefMapping
{
    public RefMapping(long pages, bool file)
    {
        if (file)
        {
            Cache = new RefPage?[pages];
            Shadow = new ulong[pages];
        }
    }

    public List<RefVma> Vmas { get; } = [];

    /// <summary>The page cache (file and shared-anon only).</summary>
    public RefPage?[]? Cache { get; }

    /// <summary>Expected content of the file's pages (file only; private VMAs keep their own).</summary>
    public ulong[]? Shadow { get; }

    public bool IsFile => Cache is not null;
}

/// <summary>A VMA: its page table (one PTE per page, huge PMD flags per 512-page region) and expected content.</summary>
internal sealed class RefVma
{
    public RefVma(RefProcess owner, string name, long pages, VmaKind kind, PageProt prot, bool thp, RefMapping mapping, RefMapping? fileMapping = null)
    {
        FileMapping = fileMapping;
        fileMapping?.Vmas.Add(this);
        Owner = owner;
        Name = name;
        Pages = pages;
        Kind = kind;
        Prot = new PageProt[pages];
        Array.Fill(Prot, prot);
        Thp = thp;
        Mapping = mapping;
        Ptes = new RefPte[pages];
        HugePmd = new bool[PageGeometry.PmdsFor(pages)];
        Shadow = mapping.Shadow ?? new ulong[pages];
        mapping.Vmas.Add(this);
    }

    public RefProcess Owner { get; }

    public string Name { get; }

    public long Pages { get; }

    public VmaKind Kind { get; }

    /// <summary>Each page's protection: the kernel VMA it lies in after partial munmaps and mprotects, or none.</summary>
    public PageProt[] Prot { get; }

    /// <summary>
    /// The mapping index of page 0 (<c>vm_pgoff</c>): page <c>i</c> maps index <c>i + PgOff</c> of <see cref="Mapping"/>.
    /// 0 but for a VMA that mremap made out of part of another.
    /// </summary>
    public long PgOff;

    /// <summary>This VMA's page that maps index <paramref name="index"/> of its mapping, or -1 outside it.</summary>
    public long PageOf(long index)
    {
        var i = index - PgOff;
        return i >= 0 && i < Pages ? i : -1;
    }

    /// <summary>Whether page <paramref name="i"/>'s VMA has VM_WRITE.</summary>
    public bool WritableAt(long i) => Prot[i] == PageProt.ReadWrite;

    public bool Thp { get; }

    public RefMapping Mapping { get; }

    public RefPte[] Ptes { get; }

    /// <summary>Per 512-page region: mapped by one huge PMD (its PTEs above describe the subpages).</summary>
    public bool[] HugePmd { get; }

    /// <summary>Expected content per page (the checker's shadow); shared with the file for file VMAs.</summary>
    public ulong[] Shadow { get; }

    public bool IsShared => Kind is VmaKind.File or VmaKind.SharedAnon;

    /// <summary>A private file mapping's file (its page cache; the VMA's <see cref="Mapping"/> is its anon family); else null.</summary>
    public RefMapping? FileMapping { get; }

    /// <summary>The page cache this VMA's holes read: its file's, shared or private; null for anonymous memory.</summary>
    public RefPage?[]? Cache => Mapping.Cache ?? FileMapping?.Cache;

    /// <summary>The devices' mirror entries for this VMA; null until a device first accesses it.</summary>
    public HmmEcs.Devices.Mirror.MirrorTable? Mirror;
}

/// <summary>An address space: its VMAs in creation order (the front layer resolves their names).</summary>
internal sealed class RefProcess(string name)
{
    public string Name { get; } = name;

    public List<RefVma> Order { get; } = [];
}
