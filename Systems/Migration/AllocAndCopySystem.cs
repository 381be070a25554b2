using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Devices.Driver;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Phase 4: the driver's <c>alloc_and_copy</c>, called once with the whole src/dst arrays, their MIGRATE
/// flags derived from the pages in flight just before. Pages the driver gave up (MIGRATE cleared in src:
/// target full, RAM full, the chunk rule) fail with <c>alloc</c>, so the truth holds the driver's answer.
/// </summary>
internal sealed class AllocAndCopySystem(World world) : MigratePhase(world, "alloc-and-copy")
{
    private readonly QueryDescription _query = MigratingQuery;
    private readonly MigratingPagesOnCores<Visitor> _pages = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Run(MigrateState s)
    {
        if (s.Collected == 0 && s.Holes == 0)
        {
            return;
        }
        // Mainline's holes are in flight too (cpages counts them); they are no pages, so the query does not see them.
        var inFlight = MigratingPages.Count(s) + s.Holes;
        if (inFlight == 0)
        {
            // As the seed: when every collected page has failed (npages == 0) the helper returns before the driver.
            return;
        }
        DriverFlags.Derive(s, inFlight);
        s.DriverCalled = true;
        s.Copy = s.Ops.AllocAndCopy(s.Window, s.Src.AsSpan(0, s.Count), s.Dst.AsSpan(0, s.Count));
        var kept = s.Mm.HelperThreads.ShareSlots(s)
            ? s.SrcFlags.CountMigrating(s)
            : PfnArray.CountMigrating(s.Src.AsSpan(0, s.Count));
        s.SrcMigrating = kept;
        if (kept == inFlight)
        {
            // The driver kept every page in flight: no page to give up, no query to run.
            return;
        }
        if (s.Holes > 0)
        {
            HoleInsertion.FailUnallocated(s);
        }
        _pages.Run(s, _query);
    }

    private ref struct Visitor(MigrateState s, ref PartTally tally) : IPartVisitor<Visitor>
    {
        private ref PartTally _tally = ref tally;

        public static Visitor Create(MigrateState s, ref PartTally tally) => new(s, ref tally);

        public readonly void Flush()
        {
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Visit(ref Page page, Chunk chunk, int row, int slot)
        {
            if ((s.Src[slot].Value & HmmPfn.Migrate) == 0)
            {
                Fail(s, ref _tally, chunk, row, slot, MigrateReason.Alloc);
            }
        }
    }
}
