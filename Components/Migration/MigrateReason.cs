namespace HmmEcs.Components.Migration;

/// <summary>
/// Why a page of a migrate request did not migrate, in the order docs/scenarios.md gives:
/// a page takes the first reason that applies. <see cref="None"/> means it migrated.
/// <see cref="MigrateReasons.Key"/> prints each exactly as the scenario result key.
/// </summary>
public enum MigrateReason : byte
{
    None = 0,
    Hole,
    Swap,
    AlreadyOnTarget,
    DeviceImmovable,
    Compound,
    Locked,
    Pinned,
    Isolate,
    Unmap,
    Alloc,
    FileUnaddressable,
    MigratePage,
    /// <summary>Mainline only: the page is not of a kind the call's <c>select</c> names (or its device's owner is not the call's); the kernel's slot 0.</summary>
    NotSelected,
    /// <summary>Mainline only: a page-cache (file or shmem) page going to any device memory (migrate_vma_pages refuses pages with a mapping).</summary>
    FileToDevice,
    /// <summary>
    /// v13: a PTE mapping the shared zero page, given up at collect: the seed as intended resolves pages with
    /// <c>vm_normal_page</c>, which has no page for it (mainline collects it as a hole; as posted, it is taken as a page).
    /// </summary>
    ZeroPage,
}

/// <summary>Scenario keys of <see cref="MigrateReason"/>.</summary>
public static class MigrateReasons
{
    /// <summary>Number of enum values including <see cref="MigrateReason.None"/>; size arrays indexed by reason with it.</summary>
    public const int Count = 16;

    private static readonly string[] Keys =
    [
        "none", "hole", "swap", "already-on-target", "device-immovable", "compound", "locked",
        "pinned", "isolate", "unmap", "alloc", "file-unaddressable", "migrate-page", "not-selected", "file-to-device", "zero-page",
    ];

    /// <summary>The key under <c>reasons</c> in a result (e.g. <c>already-on-target</c>).</summary>
    public static string Key(this MigrateReason reason) => Keys[(int)reason];

    /// <summary>Parses a scenario key; false when it names no reason.</summary>
    public static bool TryParse(string key, out MigrateReason reason)
    {
        var i = Array.IndexOf(Keys, key);
        reason = i > 0 ? (MigrateReason)i : MigrateReason.None;
        return i > 0;
    }
}
