using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Machine;

// FOLL_LONGTERM on device-coherent memory (Linux 6.0+, mm/gup.c check_and_migrate_movable_pages ->
// migrate_device_coherent_folio): decided here, once for both engines, over calls each engine already has.
public abstract partial class MachineFront
{
    /// <inheritdoc/>
    public Errno PinLongterm(string proc, string vma, PageRange range, int every, out long pages)
    {
        pages = 0;
        if (Config.Profile != SemanticsProfile.Mainline)
        {
            // Device-coherent memory and its pin rule are mainline's (the 2016 code has neither).
            return Errno.EINVAL;
        }
        var err = ResolveEvery(proc, vma, range, every, out var id, out var first, out var count);
        if (err != Errno.None)
        {
            return err;
        }
        var views = new PageView[count];
        InspectCore(id, first, views);
        long coherent = 0;
        for (long k = 0; k < count; k += every)
        {
            coherent += OnCoherent(views[k]) ? 1 : 0;
        }
        if (coherent > StatsCore().RamFree)
        {
            return Errno.ENOMEM;
        }
        if (coherent > 0)
        {
            // A long-term pin must not hold device memory: each coherent page goes to RAM first through the helper, over
            // every mapping (migrate_device_coherent_folio), then is pinned there by the ordinary pin below.
            var select = new MigrateSelection(MigrateSelect.DeviceCoherent, MigrateSelection.AnyOwner);
            var result = new MigrateResult();
            if (every == 1)
            {
                MigrateCore(id, first, count, -1, default, select, result);
            }
            else
            {
                for (long k = 0; k < count; k += every)
                {
                    if (OnCoherent(views[k]))
                    {
                        MigrateCore(id, first + k, 1, -1, default, select, result);
                    }
                }
            }
        }
        return PinCore(id, first, count, every, true, out pages);
    }

    private bool OnCoherent(in PageView view) =>
        view.Residence == Residence.Device && Config.DeviceList[view.Device].Addressable;
}
