namespace HmmEcs.Components.Migration;

/// <summary>Error code of a step; <see cref="None"/> is success. Names print as the scenario's <c>error</c> values.</summary>
public enum Errno : byte
{
    None = 0,
    EINVAL,
    ENOMEM,
    EFAULT,
    EPERM,

    /// <summary>
    /// Not an errno: the step would sleep forever on a page that a <c>v13-as-posted</c> call left stranded (locked by the
    /// helper, or behind a migration entry that no one will remove), so it never returns. Changes nothing (docs/model.md,
    /// "Stranded pages").
    /// </summary>
    HUNG,
}
