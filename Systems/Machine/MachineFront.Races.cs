using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine.Races;

namespace HmmEcs.Systems.Machine;

// The races of a migrate (docs/scenarios.md "Races"): the front runs each racing operation through its own public ops at
// the boundary the engine reports, so both engines see the same operations at the same points of the call.
public abstract partial class MachineFront
{
    private RaceRun? _raceHook;

    /// <summary>
    /// The race hook of the migrate now starting, taken once by the engine at the top of its <c>MigrateCore</c> (null for
    /// a call without races): a racing migrate or a fault-back the races cause calls the helper again and gets none.
    /// </summary>
    private protected IRaceBoundaryHook? TakeRaceHook()
    {
        var hook = _raceHook;
        _raceHook = null;
        return hook;
    }

    /// <summary>What a racing fault or pin finds at page <paramref name="i"/> of the VMA now; <paramref name="page"/> identifies the page (engine-specific numbers).</summary>
    private protected abstract RaceEntry RaceEntryCore(int vma, long i, out long page);

    /// <summary>
    /// Why <paramref name="races"/> cannot run with <paramref name="request"/> on this machine now, or null. The loader makes
    /// the same checks at each race's path (<c>steps[i].race[j]</c>).
    /// </summary>
    private string? RaceProblem(MigrateRequest request, IReadOnlyList<MigrateRace> races)
    {
        var children = new HashSet<string>(StringComparer.Ordinal);
        for (var j = 0; j < races.Count; j++)
        {
            var r = races[j];
            if (j > 0 && r.At < races[j - 1].At)
            {
                return "races are listed in boundary order";
            }
            switch (r.Op)
            {
                case RaceOp.Munmap or RaceOp.Fork when r.Proc != request.Proc:
                    return "a munmap or fork race runs in the migrating process";
                case RaceOp.Fork:
                    if (r.Child is null || _processes.ContainsKey(r.Child) || !children.Add(r.Child))
                    {
                        return "a fork race needs a new child name";
                    }
                    continue;
                case RaceOp.Migrate:
                    if (r.To is null || !TryTarget(r.To, out _))
                    {
                        return "a racing migrate needs a target";
                    }
                    break;
            }
            if (r.Vma is null || !TryVma(r.Proc, r.Vma, out var v) || !r.Range.TryResolve(v.Pages, out _, out var count))
            {
                return "a race names an unknown VMA or a range outside it";
            }
            if (r.Op == RaceOp.Migrate && (!Migratable(v) || count > MigrateRace.MaxMigratePages))
            {
                return "a racing migrate covers at most 1024 pages of a migratable VMA";
            }
        }
        return null;
    }

    /// <summary>Runs the helper with <paramref name="races"/> at their boundaries, then what waited for the call.</summary>
    private Errno MigrateWithRaces(MigrateRequest request, IReadOnlyList<MigrateRace> races, int vma, long first, long count, int target,
        MigrateSelection selection, MigrateResult result)
    {
        var run = new RaceRun(this, races, StrandedBefore(races));
        run.RecordPagesBefore();
        _raceHook = run;
        Errno e;
        _raceCallInFlight = true;
        try
        {
            e = MigrateCore(vma, first, count, target, request.Inject, selection, result);
        }
        finally
        {
            _raceHook = null;
            _raceCallInFlight = false;
        }
        run.Finish();
        result.Races = run.Report;
        if (result.Findings is { } findings)
        {
            // A racing v13-as-posted call's defects count in the step's findings; its slots are its own, so none are listed.
            for (var d = 0; d < PostedFindings.Count; d++)
            {
                findings.AddCount((PostedDefect)d, run.RacingFindings[d]);
            }
        }
        return e;
    }

    /// <summary>
    /// One call's races. A racing fault or pin walks its range in address order as a thread would: the pages before the
    /// first page behind a migration entry (or a locked device-private page) are done at the boundary; at that page the thread waits on the page lock
    /// (<c>migration_entry_wait</c>), so it and the rest of the range are done after the call, when the entry is gone.
    /// <c>munmap</c> and <c>fork</c> need the mmap lock the driver holds for the whole call (read): they run after it.
    /// A racing migrate takes the mmap lock for read too, so it runs whole at the boundary.
    /// </summary>
    /// <summary>
    /// Per race, whether a racing fault, pin or migrate reaches a page an earlier call left stranded (v13-as-posted): taken before
    /// the call, whose own entries and locks the race rules decide. Such a race hangs as a step would (docs/model.md,
    /// "Stranded pages").
    /// </summary>
    private bool[] StrandedBefore(IReadOnlyList<MigrateRace> races)
    {
        var stranded = new bool[races.Count];
        for (var j = 0; j < races.Count; j++)
        {
            var r = races[j];
            stranded[j] = r.Op is RaceOp.Touch or RaceOp.Pin or RaceOp.Migrate && TryVma(r.Proc, r.Vma!, out var v)
                && r.Range.TryResolve(v.Pages, out var first, out var count) && Hangs(v.Id, first, count);
        }
        return stranded;
    }

    private sealed class RaceRun(MachineFront m, IReadOnlyList<MigrateRace> races, bool[] strandedBefore) : IRaceBoundaryHook
    {
        private readonly List<Waiting> _waiting = [];

        /// <summary>Per <see cref="PostedDefect"/>, how often it fired in the racing migrates (v13-as-posted).</summary>
        public long[] RacingFindings { get; } = new long[PostedFindings.Count];
        /// <summary>Per race, what each page of its range stood for before the call (a fault or pin race; null for the others).</summary>
        private readonly long[]?[] _before = new long[]?[races.Count];
        private int _next;

        /// <summary>
        /// Records what each page of every racing fault's or pin's range stands for before the call starts. A page that waited
        /// saw the new page when it stands for another page after the call: at its wait it may already show the new one (a
        /// shmem hole whose page-cache slot migrate-struct-page moved to the destination, locked by the driver until the end).
        /// </summary>
        public void RecordPagesBefore()
        {
            for (var j = 0; j < races.Count; j++)
            {
                var r = races[j];
                if (r.Op is not (RaceOp.Touch or RaceOp.Pin) || !m.TryVma(r.Proc, r.Vma!, out var v) || !r.Range.TryResolve(v.Pages, out var first, out var count))
                {
                    continue;
                }
                var pages = new long[count];
                for (var i = 0; i < count; i++)
                {
                    m.RaceEntryCore(v.Id, first + i, out pages[i]);
                }
                _before[j] = pages;
            }
        }

        public RaceReport Report { get; } = new();

        public void At(RaceBoundary boundary)
        {
            while (_next < races.Count && races[_next].At <= boundary)
            {
                Fire(_next++);
            }
        }

        /// <summary>After the call: races whose boundary the call never reached (an early return) run now, then what waited.</summary>
        public void Finish()
        {
            while (_next < races.Count)
            {
                Fire(_next++);
            }
            foreach (var w in _waiting)
            {
                Resume(w);
            }
        }

        private void Fire(int j)
        {
            var r = races[j];
            switch (r.Op)
            {
                case RaceOp.Touch or RaceOp.Pin when strandedBefore[j]:
                    // It reaches a page an earlier call stranded and sleeps there for good, changing nothing (as a step would):
                    // the page it waits on counts as waited and hung.
                    Report.Waited++;
                    Report.Hung++;
                    break;
                case RaceOp.Touch or RaceOp.Pin:
                    FireAccess(r, _before[j]);
                    break;
                case RaceOp.Munmap or RaceOp.Fork:
                    _waiting.Add(new Waiting(r, 0, 0, [], []));
                    break;
                case RaceOp.Migrate when strandedBefore[j]:
                    // Its range holds a page an earlier call stranded: HUNG, as a migrate step would be (counted as failed).
                    Report.Failed++;
                    break;
                case RaceOp.Migrate:
                {
                    var res = new MigrateResult();
                    if (m.Migrate(new MigrateRequest(r.Proc, r.Vma!, r.Range, r.To!), res) != Errno.None)
                    {
                        Report.Failed++;
                        break;
                    }
                    Report.Migrated += res.Migrated;
                    Report.Locked += res[MigrateReason.Locked];
                    for (var d = 0; res.Findings is { } f && d < PostedFindings.Count; d++)
                    {
                        RacingFindings[d] += f[(PostedDefect)d];
                    }
                    break;
                }
            }
        }

        private void FireAccess(MigrateRace r, long[]? before)
        {
            if (!m.TryVma(r.Proc, r.Vma!, out var v) || !r.Range.TryResolve(v.Pages, out var first, out var count))
            {
                Report.Failed++;
                return;
            }
            var end = first + count;
            var stop = end;
            for (var i = first; i < end; i++)
            {
                if (m.RaceEntryCore(v.Id, i, out _) is RaceEntry.MigrationEntry or RaceEntry.LockedPage)
                {
                    stop = i;
                    break;
                }
            }
            if (stop > first)
            {
                Access(r, first, stop - first);
            }
            if (stop == end)
            {
                return;
            }
            // The thread waits at page `stop`; what each held page of the rest stood for is compared after the call.
            var held = new List<long>();
            var pages = new List<long>();
            for (var i = stop; i < end; i++)
            {
                if (m.RaceEntryCore(v.Id, i, out var page) is RaceEntry.MigrationEntry or RaceEntry.LockedPage)
                {
                    held.Add(i);
                    pages.Add(before is not null ? before[i - first] : page);
                }
            }
            Report.Waited += held.Count;
            _waiting.Add(new Waiting(r, stop, end - stop, held, pages));
        }

        private void Resume(Waiting w)
        {
            var r = w.Race;
            switch (r.Op)
            {
                case RaceOp.Munmap:
                    Report.MmapWaits++;
                    Report.Failed += m.Munmap(r.Proc, r.Vma!) == Errno.None ? 0 : 1;
                    return;
                case RaceOp.Fork:
                    Report.MmapWaits++;
                    Report.Failed += m.Fork(r.Proc, r.Child!) == Errno.None ? 0 : 1;
                    return;
            }
            if (!m.TryVma(r.Proc, r.Vma!, out var v))
            {
                Report.Failed++;
                return;
            }
            var hung = 0;
            for (var n = 0; n < w.Held.Count; n++)
            {
                switch (m.RaceEntryCore(v.Id, w.Held[n], out var now))
                {
                    case RaceEntry.MigrationEntry or RaceEntry.LockedPage:
                        hung++;
                        break;
                    case RaceEntry.Mapped or RaceEntry.None when now >= 0 && now != w.Pages[n]:
                        Report.SawNew++;
                        break;
                    default:
                        Report.SawRestored++;
                        break;
                }
            }
            if (hung > 0)
            {
                // Nothing will remove the entry (v13-as-posted stranded the page): the thread never gets past it.
                Report.Hung += hung;
                return;
            }
            Access(r, w.First, w.Count);
        }

        private void Access(MigrateRace r, long first, long count)
        {
            var range = new PageRange(first, count);
            if (r.Op == RaceOp.Touch)
            {
                Report.Failed += m.Touch(r.Proc, r.Vma!, range, r.Access, r.Salt, out _) == Errno.None ? 0 : 1;
                return;
            }
            if (m.Pin(r.Proc, r.Vma!, range, 1, take: true, out var pinned) == Errno.None)
            {
                Report.Pinned += pinned;
            }
            else
            {
                Report.Failed++;
            }
        }

        /// <summary>A racing operation waiting for the call: pages [First, First + Count), the held ones and what they stood for.</summary>
        private sealed record Waiting(MigrateRace Race, long First, long Count, List<long> Held, List<long> Pages);
    }
}
