namespace HmmEcs.Systems.Machine;

/// <summary>Where a <see cref="MigrateVma"/> call stands between the three calls.</summary>
public enum MigrateVmaStage
{
    /// <summary>Not set up (new, or a setup that returned an error).</summary>
    Idle,

    /// <summary><c>migrate_vma_setup</c> returned: pages are collected, locked, isolated and unmapped; <c>dst</c> is the driver's.</summary>
    SetUp,

    /// <summary><c>migrate_vma_pages</c> returned: struct pages migrated; <c>migrate_vma_finalize</c> is due.</summary>
    PagesMigrated,

    /// <summary><c>migrate_vma_finalize</c> returned: the call is over; the object may be set up again.</summary>
    Finalized,
}
