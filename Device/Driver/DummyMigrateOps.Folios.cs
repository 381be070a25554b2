using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;

namespace HmmEcs.Devices.Driver;

// Mainline 6.19's PMD-sized units (MIGRATE_PFN_COMPOUND), as lib/test_hmm.c allocates for them.
public sealed partial class DummyMigrateOps
{
    /// <summary>
    /// alloc_and_copy of a call with PMD-sized units: each unit whose 512 entries all still migrate first takes the
    /// lowest free 512-aligned run of the target (one large folio, test_hmm's <c>dmirror_devmem_alloc_page(…, true)</c>);
    /// a unit with no such run falls back to base pages, as test_hmm does. Then every other entry gets a base page by
    /// the target's rule in ascending address order, holes are zero-filled and the pages copied in one submission.
    /// </summary>
    private CopyCost AllocWithFolios(in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst)
    {
        var dev = _target < 0 ? null : _memory.Devices[_target];
        var destFlags = DestinationFlags(dev);
        var slots = window.UnitSlots!;
        var folio = window.UnitFolio!;
        for (var u = 0; u < window.Units; u++)
        {
            folio[u] = false;
            var s0 = slots[u];
            var whole = true;
            for (var k = 0; k < PageGeometry.PmdPages && whole; k++)
            {
                whole = (src[s0 + k].Value & HmmPfn.Migrate) != 0;
            }
            var first = whole ? _memory.AllocateFolio(_target) : -1;
            if (first < 0)
            {
                continue;
            }
            folio[u] = true;
            for (var k = 0; k < PageGeometry.PmdPages; k++)
            {
                dst[s0 + k] = HmmPfn.From(first + k, destFlags);
                // Hidden from the base-page allocation below, handed back after it.
                src[s0 + k] = src[s0 + k].Without(HmmPfn.Migrate);
            }
        }
        AllocateBasePages(dev, window, src, dst, destFlags);
        for (var u = 0; u < window.Units; u++)
        {
            if (folio[u])
            {
                for (var k = 0; k < PageGeometry.PmdPages; k++)
                {
                    src[slots[u] + k] = src[slots[u] + k].With(HmmPfn.Migrate);
                }
            }
        }
        return FillHolesAndCopy(window, src, dst);
    }
}
