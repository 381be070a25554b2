using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration.AsPosted;

/// <summary>
/// One <c>hmm_vma_migrate</c> call of the <c>v13-as-posted</c> profile: the seed's single pfns array (sources, then
/// the driver's destinations, in the v13 bit layout of <see cref="HmmPfn"/>), its unsigned <c>npages</c>, and what the
/// simulator reports beside it (per-slot outcomes, the findings). Reused across calls: it grows, it does not allocate per page.
/// </summary>
internal sealed class PostedCall
{
    /// <summary>The request's first VMA page.</summary>
    public long Start { get; private set; }

    /// <summary>Pages in the request.</summary>
    public int Count { get; private set; }

    /// <summary>Target device index, -1 for RAM.</summary>
    public int Target { get; private set; }

    public FailureInjection Inject { get; private set; }

    /// <summary>The seed's pfns array (<see cref="HmmPfn"/> values).</summary>
    public ulong[] Pfns { get; private set; } = [];

    /// <summary>Per slot: the page collect took (-1: none). Simulator bookkeeping, never read by the seed's logic.</summary>
    public int[] Source { get; private set; } = [];

    /// <summary>Per slot: the helper isolated the page (for the putback findings).</summary>
    public bool[] Isolated { get; private set; } = [];

    /// <summary>Per slot: the page was put back (for the double-putback finding).</summary>
    public bool[] PutBack { get; private set; } = [];

    /// <summary>Per slot: the migration reached the final pass with MIGRATE set.</summary>
    public bool[] Migrated { get; private set; } = [];

    /// <summary>Per slot: why it did not migrate, the first reason to hit it.</summary>
    public MigrateReason[] Outcome { get; private set; } = [];

    /// <summary>Scratch for the driver: the slots it sees migrating, their sources and its destinations.</summary>
    public bool[] Migrating { get; private set; } = [];

    public int[] Destination { get; private set; } = [];

    /// <summary>The seed's counter: unsigned, so a double count wraps it.</summary>
    public ulong NPages;

    public long TlbFlushes;

    /// <summary>The call's cost counters: the seed's page-table walks and the one notifier range around collect (unmap's flushes are not counted under this profile).</summary>

    public MigrateCosts Costs;

    public CopyStats Copy;

    public PostedFindings Findings { get; private set; } = new();

    /// <summary>The hook of the call's races (the helper calls it between phases); null without races.</summary>
    public Machine.Races.IRaceBoundaryHook? Races { get; set; }

    public void Begin(long start, int count, int target, FailureInjection inject)
    {
        Start = start;
        Count = count;
        Target = target;
        Inject = inject;
        if (Pfns.Length < count)
        {
            Pfns = new ulong[count];
            Source = new int[count];
            Isolated = new bool[count];
            PutBack = new bool[count];
            Migrated = new bool[count];
            Outcome = new MigrateReason[count];
            Migrating = new bool[count];
            Destination = new int[count];
        }
        // The simulator gives the helper a zeroed array (the seed never clears it: pfns-not-cleared cannot fire here).
        Array.Clear(Pfns, 0, count);
        Array.Fill(Source, -1, 0, count);
        Array.Clear(Isolated, 0, count);
        Array.Clear(PutBack, 0, count);
        Array.Clear(Migrated, 0, count);
        Array.Clear(Outcome, 0, count);
        NPages = 0;
        TlbFlushes = 0;
        Costs = default;
        Copy = default;
        Findings = new PostedFindings();
    }

    /// <summary>Slot <paramref name="i"/> of the array; past its end (the restore pass's overrun) an empty slot, counted.</summary>
    public ulong Read(long i)
    {
        if ((ulong)i < (ulong)Count)
        {
            return Pfns[i];
        }
        Findings.AddCount(PostedDefect.RestoreIndexOverrun, 1);
        return 0;
    }

    /// <summary>Clears MIGRATE of slot <paramref name="k"/> and records <paramref name="reason"/> if it is the slot's first.</summary>
    public void ClearMigrate(long k, MigrateReason reason)
    {
        Pfns[k] &= ~HmmPfn.Migrate;
        if (Outcome[k] == MigrateReason.None)
        {
            Outcome[k] = reason;
        }
    }

    public static bool Has(ulong e, ulong flag) => (e & flag) == flag;

    public static int PageOf(ulong e) => (int)(e >> HmmPfn.Shift);

    public static bool Injected(int every, long k) => every > 0 && k % every == 0;
}
