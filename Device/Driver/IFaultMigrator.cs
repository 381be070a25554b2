namespace HmmEcs.Devices.Driver;

/// <summary>What the kernel offers a device's CPU-fault handler: run the migration helper over one page.</summary>
public interface IFaultMigrator
{
    /// <summary>Migrates page <paramref name="index"/> of VMA <paramref name="vma"/> with <paramref name="ops"/>; true when it moved.</summary>
    bool MigrateOne(int vma, long index, IMigrateOps ops);
}
