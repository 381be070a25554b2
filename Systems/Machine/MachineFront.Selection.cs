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
    private protected bool TrySelection(MigrateRequest request, int target, out MigrateSelection selection)
    {
        selection = default;
        if (Config.Profile != SemanticsProfile.Mainline)
        {
            return request.Select is null && request.Owner is null;
        }
        var select = request.Select ?? (target >= 0 ? MigrateSelect.System : MigrateSelect.DevicePrivate | MigrateSelect.DeviceCoherent);
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
