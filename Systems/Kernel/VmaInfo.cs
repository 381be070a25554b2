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
        PrivateShadow = file is null ? new ContentShadow() : null;
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

    /// <summary>Expected content per page (the file's for shared mappings).</summary>
    public ContentShadow Shadow => File?.Shadow ?? PrivateShadow!;

    public bool HasHuge(long index) => Huge is not null && !Huge[PageGeometry.PmdOf(index)].IsNull;
}
