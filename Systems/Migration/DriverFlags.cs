using System.Runtime.CompilerServices;
using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// The MIGRATE flags the driver reads in <c>src</c>, derived from the truth right before each driver
/// call. The truth is the page's <c>Migrate</c> bit (set: in flight) and the slot's outcome (the reason
/// a page gave up); the phases never touch <c>src</c>'s flags. Collect writes MIGRATE into every slot it
/// takes, and only the driver clears it (those pages then fail with <c>alloc</c>), so the derivation is
/// clearing MIGRATE wherever the outcome holds a reason: what is left is exactly the pages in flight.
/// Departure: the seed clears MIGRATE in src the moment a page gives up; the simulator writes it only
/// where the driver reads it, which the driver cannot tell apart.
/// </summary>
internal static class DriverFlags
{
    /// <summary>
    /// Brings <c>src</c>'s MIGRATE flags in line with the truth, which has <paramref name="inFlight"/> pages
    /// in flight (<see cref="MigratingPages.Count"/>). When that is as many as <c>src</c> flags, no page
    /// gave up since <c>src</c> was last written whole, and nothing is walked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Derive(MigrateState s, int inFlight)
    {
        if (inFlight == s.SrcMigrating)
        {
            return;
        }
        var src = s.Src;
        var outcome = s.Outcome;
        if (s.Collected <= MigrateState.SmallRequest)
        {
            for (var k = 0; k < s.Collected; k++)
            {
                var slot = s.SmallSlots[k];
                if (outcome[slot] != MigrateReason.None)
                {
                    src[slot] = src[slot].Without(HmmPfn.Migrate);
                }
            }
        }
        else if (s.Mm.HelperThreads.ShareSlots(s))
        {
            s.SrcFlags.Derive(s);
        }
        else
        {
            foreach (var slot in new SlotsWithReason(outcome.AsSpan(0, s.Count)))
            {
                src[slot] = src[slot].Without(HmmPfn.Migrate);
            }
        }
        s.SrcMigrating = inFlight;
    }
}
