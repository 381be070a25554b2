namespace HmmEcs.Devices.Driver;

/// <summary>What the kernel offers a device's CPU-fault handler: run the migration helper over one page.</summary>
public interface IFaultMigrator
{
    /// <summary>Migrates page <paramref name="index"/> of VMA <paramref name="vma"/> with <paramref name="ops"/>; true when it moved.</summary>
    bool MigrateOne(int vma, long index, IMigrateOps ops);

    /// <summary>
    /// Migrates the PMD-sized device-private folio mapped at pages <paramref name="head"/>… of VMA <paramref name="vma"/>
    /// (a PMD-level device-private entry, mainline 6.19's <c>do_huge_pmd_device_private</c>) with <paramref name="ops"/>:
    /// whole when a RAM folio is free, else as base pages; true when all 512 pages moved.
    /// </summary>
    bool MigrateFolio(int vma, long head, IMigrateOps ops);
}
