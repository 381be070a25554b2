using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Machine;

// The stranded-page rule of v13-as-posted (docs/model.md, "Stranded pages"): a step that reaches a page an earlier posted
// call left locked by the helper, or behind a migration entry, would sleep on it forever. Decided here, over one query
// each engine answers from its own state, so both engines refuse the same steps.
public abstract partial class MachineFront
{
    // Set while a migrate with races runs: its racing operations meet the call's own entries and locks, which the call
    // may still release (the race rules decide those: a wait, then `hung` if the call stranded them).
    private bool _raceCallInFlight;

    /// <summary>
    /// True when page <paramref name="i"/> of the VMA is stranded: its PTE is a migration entry (to a page or to the
    /// shared zero page), or it maps a page the migration helper still holds locked or left with fewer references than
    /// its mappings, pins and caches hold (a huge PMD's subpage, a present PTE, a device-private entry, or, at a hole of
    /// a file or shmem VMA, the page-cache page a fault would find). Outside a call, only the <c>v13-as-posted</c> helper
    /// leaves such state.
    /// </summary>
    private protected abstract bool StrandedCore(int vma, long i);

    /// <summary>
    /// The rule's test for a step over every <paramref name="every"/>-th page of <c>[first, first + count)</c>: true when
    /// one of them is stranded (always false outside <c>v13-as-posted</c>, and while a call with races is in flight).
    /// </summary>
    private bool Hangs(int vma, long first, long count, int every = 1)
    {
        if (Config.Profile != SemanticsProfile.V13AsPosted || _raceCallInFlight)
        {
            return false;
        }
        for (var i = first; i < first + count; i += every)
        {
            if (StrandedCore(vma, i))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The rule for <c>fork</c>: every page of every VMA of the process is copied.</summary>
    private bool HangsProcess(ProcessEntry p)
    {
        foreach (var v in p.Order)
        {
            if (Hangs(v.Id, 0, v.Pages))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The rule for <c>evict</c>: the pages of every VMA that map the device's pages <c>[lo, hi)</c>, which it would migrate.</summary>
    private bool HangsEvict(int d, long lo, long hi)
    {
        if (Config.Profile != SemanticsProfile.V13AsPosted)
        {
            return false;
        }
        foreach (var p in _processOrder)
        {
            foreach (var v in p.Order)
            {
                if (!Migratable(v))
                {
                    continue;
                }
                for (var i = 0L; i < v.Pages; i++)
                {
                    if (MapsDevicePage(v.Id, i, d, lo, hi) && StrandedCore(v.Id, i))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
