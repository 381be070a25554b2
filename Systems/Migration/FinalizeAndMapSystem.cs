using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 6: the driver's <c>finalize_and_map</c>, called once; src's MIGRATE flags are derived from the
/// pages in flight first, so the driver drops the destinations of pages that failed after allocation.
/// </summary>
internal sealed class FinalizeAndMapSystem(World world) : MigratePhase(world, "finalize-and-map")
{
    protected override void Run(MigrateState s)
    {
        if (!s.DriverCalled)
        {
            // The seed returned before the driver when no page was left (npages == 0): no finalize either.
            return;
        }
        DriverFlags.Derive(s, MigratingPages.Count(s) + s.Holes);
        s.Ops.FinalizeAndMap(s.Window, s.Src.AsSpan(0, s.Count), s.Dst.AsSpan(0, s.Count));
    }
}
