using System.Text;

namespace HmmEcs.Systems.Machine;

/// <summary>
/// A defect of the seed as posted (profile <c>v13-as-posted</c>; docs/v13-as-posted.md, §15), by the note's id.
/// The order is the result document's.
/// </summary>
public enum PostedDefect
{
    /// <summary><c>lock-page-sleeps</c>: lock_and_isolate sleeps in lock_page on a page another holder keeps locked.</summary>
    LockPageSleeps,
    /// <summary><c>pin-check-counts-cache</c>: the pin check counts the page cache's reference as a pin.</summary>
    PinCheckCountsCache,
    /// <summary><c>unlock-stride-page-shift</c>: the restore pass's unlock loop reaches slots outside its PMD span.</summary>
    UnlockStridePageShift,
    /// <summary><c>restore-index-overrun</c>: reads past the end of the pfns array by that unlock loop (count of reads, taken as empty slots).</summary>
    RestoreIndexOverrun,
    /// <summary><c>restore-wrong-page</c>: the restore pass rebuilt a PTE with another slot's page.</summary>
    RestoreWrongPage,
    /// <summary><c>restore-clears-present-pte</c>: the restore pass cleared a PTE that was not a migration entry.</summary>
    RestoreClearsPresentPte,
    /// <summary><c>isolate-fail-double-count</c>: an isolation failure fell through to a failing pin check.</summary>
    IsolateFailDoubleCount,
    /// <summary><c>putback-not-isolated</c>: putback_lru_page of a page the helper never isolated (its isolation failed): one reference too few.</summary>
    PutbackNotIsolated,
    /// <summary><c>isolate-restore-skip-inverted</c>: a failed slot before the first survivor, never restored by lock_and_isolate.</summary>
    IsolateRestoreSkipInverted,
    /// <summary><c>isolate-all-fail-stranded</c>: npages reached 0 in lock_and_isolate; these pages stay locked.</summary>
    IsolateAllFailStranded,
    /// <summary><c>unmap-restore-never-runs</c>: unmap failures kept their lock and migration entries past unmap.</summary>
    UnmapRestoreNeverRuns,
    /// <summary><c>unmap-all-fail-stranded</c>: npages reached 0 in unmap; these pages stay locked.</summary>
    UnmapAllFailStranded,
    /// <summary><c>compound-skip-drops-pte</c>: collect cleared the PTE of a compound page and did not put it back.</summary>
    CompoundSkipDropsPte,
    /// <summary><c>final-maps-failed-dst</c>: the final pass mapped a destination whose slot had lost MIGRATE.</summary>
    FinalMapsFailedDst,
    /// <summary><c>final-pass-empty-pmd</c>: the final pass read a PMD span that has no page table (taken as all none).</summary>
    FinalPassEmptyPmd,
    /// <summary><c>double-unlock</c>: the final pass unlocked a page the restore pass had unlocked already.</summary>
    DoubleUnlock,
    /// <summary><c>double-putback</c>: the final pass put back a page the restore pass had put back already: one reference too few.</summary>
    DoublePutback,
    /// <summary><c>zero-page-as-normal</c>: collect took a PTE of the shared zero page for a page (pfn_to_page, not vm_normal_page).</summary>
    ZeroPageAsNormal,
    /// <summary><c>zero-page-lost-special</c>: the restore pass rebuilt a zero-page PTE as a present PTE without the special bit.</summary>
    ZeroPageLostSpecial,
    /// <summary><c>zero-page-on-lru</c>: putback_lru_page put the zero page on the LRU.</summary>
    ZeroPageOnLru,
    /// <summary><c>zero-page-refcount-zero</c>: the helper's puts took the zero page's refcount to 0 (the kernel's "Bad page state").</summary>
    ZeroPageRefcountZero,
    /// <summary><c>zero-page-entry-stranded</c>: the call returned leaving a migration entry to the zero page (no pass restores it).</summary>
    ZeroPageEntryStranded,
    /// <summary><c>final-pass-foreign-entry</c>: the final pass acted on a migration entry another call made (restored it, unlocked and put back that call's page).</summary>
    FinalPassForeignEntry,
}

/// <summary>The defects that fired in one <c>v13-as-posted</c> migrate call, each with the request slots it hit.</summary>
public sealed class PostedFindings
{
    /// <summary>Number of <see cref="PostedDefect"/> values.</summary>
    public const int Count = 23;

    /// <summary>At most this many slots are listed per defect (the count goes on).</summary>
    public const int MaxSlots = 64;

    private static readonly string[] Ids =
    [
        "lock-page-sleeps", "pin-check-counts-cache", "unlock-stride-page-shift", "restore-index-overrun",
        "restore-wrong-page", "restore-clears-present-pte", "isolate-fail-double-count", "putback-not-isolated",
        "isolate-restore-skip-inverted",
        "isolate-all-fail-stranded", "unmap-restore-never-runs", "unmap-all-fail-stranded", "compound-skip-drops-pte",
        "final-maps-failed-dst", "final-pass-empty-pmd", "double-unlock", "double-putback",
        "zero-page-as-normal", "zero-page-lost-special", "zero-page-on-lru", "zero-page-refcount-zero", "zero-page-entry-stranded",
        "final-pass-foreign-entry",
    ];

    private readonly long[] _counts = new long[Count];
    private readonly List<long>?[] _slots = new List<long>?[Count];

    /// <summary>The id of <paramref name="defect"/> as the note and the result document write it.</summary>
    public static string Id(PostedDefect defect) => Ids[(int)defect];

    /// <summary>True when the call deadlocked in lock_page (<see cref="PostedDefect.LockPageSleeps"/>): it never returned.</summary>
    public bool Deadlocked { get; set; }

    /// <summary>How many times <paramref name="defect"/> fired (slots hit; reads for <see cref="PostedDefect.RestoreIndexOverrun"/>).</summary>
    public long this[PostedDefect defect] => _counts[(int)defect];

    /// <summary>The first <see cref="MaxSlots"/> slots <paramref name="defect"/> hit, in the order it hit them.</summary>
    public IReadOnlyList<long> Slots(PostedDefect defect) => _slots[(int)defect] ?? (IReadOnlyList<long>)[];

    /// <summary>Records that <paramref name="defect"/> hit slot <paramref name="slot"/>.</summary>
    public void Add(PostedDefect defect, long slot)
    {
        _counts[(int)defect]++;
        var list = _slots[(int)defect] ??= [];
        if (list.Count < MaxSlots)
        {
            list.Add(slot);
        }
    }

    /// <summary>Adds <paramref name="n"/> to the count of <paramref name="defect"/> without listing slots.</summary>
    public void AddCount(PostedDefect defect, long n) => _counts[(int)defect] += n;

    /// <summary>One line per defect that fired: <c>id: n [slots…]</c>, for the result document.</summary>
    public List<string> Lines()
    {
        var lines = new List<string>();
        for (var d = 0; d < Count; d++)
        {
            if (_counts[d] == 0)
            {
                continue;
            }
            var sb = new StringBuilder().Append(Ids[d]).Append(": ").Append(_counts[d]);
            if (_slots[d] is { Count: > 0 } list)
            {
                sb.Append(" at slots ").AppendJoin(' ', list);
            }
            lines.Add(sb.ToString());
        }
        return lines;
    }
}
