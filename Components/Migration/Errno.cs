namespace HmmEcs.Components.Migration;

/// <summary>Error code of a step; <see cref="None"/> is success. Names print as the scenario's <c>error</c> values.</summary>
public enum Errno : byte
{
    None = 0,
    EINVAL,
    ENOMEM,
    EFAULT,
    EPERM,
}
