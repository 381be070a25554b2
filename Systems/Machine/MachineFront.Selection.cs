namespace HmmEcs.Systems.Machine;

// Mainline's selection of a migrate call, resolved once per call before an engine sees it.
public abstract partial class MachineFront
{
    private int[]? _ownerIds;

    /// <summary>Each device's owner number (<see cref="MachineConfig.OwnerIds"/>), computed once.</summary>
    private protected int[] OwnerIds => _ownerIds ??= Config.OwnerIds();

    /// <summary>
    /// The call's selection: outside <c>mainline</c>, none (a request that names <c>select</c> or <c>owner</c> is
    /// refused); under it, <c>select</c> defaults to <c>system</c> toward a device and to both device kinds toward RAM,
    /// and the owner is the named device's owner, else the target device's, else (toward RAM) any owner.
    /// False (EINVAL) for a selection outside mainline, an empty one, or an owner that names no device.
    /// </summary>
    /// <summary>
    /// The selection of a call that names none — a workload's fault service or eviction, toward <paramref name="target"/>
    /// (-1: RAM): under <c>mainline</c>, <c>system</c> with the target device's owner toward a device, both device kinds of
    /// any owner toward RAM; none under other profiles.
    /// </summary>
    private protected MigrateSelection DefaultSelection(int target) => Config.Profile != SemanticsProfile.Mainline
        ? default
        : target >= 0
            ? new MigrateSelection(MigrateSelect.System, OwnerIds[target])
            : new MigrateSelection(MigrateSelect.DevicePrivate | MigrateSelect.DeviceCoherent, MigrateSelection.AnyOwner);

    private protected bool TrySelection(MigrateRequest request, int target, out MigrateSelection selection)
    {
        selection = default;
        if (Config.Profile != SemanticsProfile.Mainline)
        {
            return request.Select is null && request.Owner is null;
        }
        var select = request.Select ?? DefaultSelection(target).Select;
        if (select == MigrateSelect.None)
        {
            return false;
        }
        var owner = MigrateSelection.AnyOwner;
        if (request.Owner is { } named)
        {
            if (!TryDevice(named, out var d))
            {
                return false;
            }
            owner = OwnerIds[d];
        }
        else if (target >= 0)
        {
            owner = OwnerIds[target];
        }
        selection = new MigrateSelection(select, owner);
        return true;
    }
}
