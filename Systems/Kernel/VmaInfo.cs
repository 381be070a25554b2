using HmmEcs.Components.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Kernel;

/// <summary>
/// The kernel's handle on a VMA: its entity (<see cref="VmaArea"/>), its consecutive PTEs, its huge
/// PMD entities per 512-page region, and the expected content of each page (the checker's shadow).
/// </summary>
internal sealed class VmaInfo
{
    public VmaInfo(string name, in VmaArea area, Entity entity, FileObject? file)
    {
        Name = name;
        Area = area;
        Entity = entity;
        File = file;
        PrivateShadow = file is null || area.Kind == VmaKind.FilePrivate ? new ContentShadow() : null;
    }

    public string Name { get; }
    public VmaArea Area;
    public Entity Entity { get; }
    public FileObject? File { get; }
    public ContentShadow? PrivateShadow { get; set; }
    /// <summary>Huge PMD entity per 512-page region; null until the VMA's first huge mapping.</summary>
    public Entity[]? Huge { get; set; }
    public bool Alive { get; set; } = true;
    /// <summary>The devices' mirror entries for this VMA; null until a device first accesses it.</summary>
    public HmmEcs.Devices.Mirror.MirrorTable? Mirror { get; set; }

    public int Id => Area.Id;
    public long Pages => Area.Pages;
    public int FirstPte => Area.FirstPte;
    public VmaKind Kind => Area.Kind;
    public bool Shared => Area.Shared;

    /// <summary>
    /// Expected content per page: the file's for shared mappings; a private file mapping's own (its file is a new one of
    /// zero pages, never written through it, so a page-cache page there reads zero as the shadow does).
    /// </summary>
    public ContentShadow Shadow => PrivateShadow ?? File!.Shadow;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool HasHuge(long index) => Huge is not null && !Huge[PageGeometry.PmdOf(index)].IsNull;

    /// <summary>Per-page protection once a partial munmap or mprotect split the VMA; null while every page has <see cref="UniformProt"/>.</summary>
    public PageProt[]? ProtPages { get; private set; }

    /// <summary>The protection of every page while <see cref="ProtPages"/> is null.</summary>
    public PageProt UniformProt { get; private set; }

    public PageProt ProtAt(long i) => ProtPages is null ? UniformProt : ProtPages[i];

    /// <summary>Whether page <paramref name="i"/>'s kernel VMA has VM_WRITE (what a new mapping there gets).</summary>
    public bool WritableAt(long i) => ProtAt(i) == PageProt.ReadWrite;

    /// <summary>Gives <c>[first, first + count)</c> protection <paramref name="prot"/> (the VMA component keeps VM_WRITE of a whole VMA).</summary>
    public void SetProt(long first, long count, PageProt prot)
    {
        if (first == 0 && count == Pages)
        {
            ProtPages = null;
            UniformProt = prot;
        }
        else
        {
            if (ProtPages is null)
            {
                ProtPages = new PageProt[Pages];
                Array.Fill(ProtPages, UniformProt);
            }
            Array.Fill(ProtPages, prot, checked((int)first), checked((int)count));
        }
        Area.Writable = ProtPages is null && UniformProt == PageProt.ReadWrite;
    }

    /// <summary>Whether every page of 512-page region <paramref name="region"/> has one protection that allows access (a huge fault needs one VMA over the region).</summary>
    public bool RegionUniform(long region)
    {
        if (ProtPages is null)
        {
            return UniformProt >= PageProt.Read;
        }
        var first = region * PageGeometry.PmdPages;
        var p = ProtPages[first];
        for (var k = 1; k < PageGeometry.PmdPages; k++)
        {
            if (ProtPages[first + k] != p)
            {
                return false;
            }
        }
        return p >= PageProt.Read;
    }

    /// <summary>Copies the parent's protections (fork).</summary>
    public void CopyProt(VmaInfo parent)
    {
        UniformProt = parent.UniformProt;
        ProtPages = parent.ProtPages is null ? null : (PageProt[])parent.ProtPages.Clone();
        Area.Writable = parent.Area.Writable;
    }
}
