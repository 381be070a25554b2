using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration.AsPosted;

internal static partial class PostedHelper
{
    /// <summary>
    /// <c>hmm_migrate_lock_and_isolate</c>'s first loop: a slot without LOCKED sleeps in <c>lock_page</c> (nothing else runs
    /// within a step, so a page another holder keeps locked is a deadlock: <c>lock-page-sleeps</c>, and the call stops
    /// there); a RAM page is isolated, and an isolation failure falls through to the pin check (<c>isolate-fail-double-count</c>);
    /// the check <c>refcount − extra &gt; mapcount</c> counts the page cache's reference (<c>pin-check-counts-cache</c>).
    /// Then the restore pass when anything failed. False when the call deadlocked.
    /// </summary>
    private static bool HmmMigrateLockAndIsolate<TKernel>(ref TKernel k, PostedCall c) where TKernel : struct, IPostedKernel
    {
        var restore = 0L;
        for (var s = 0; s < c.Count; s++)
        {
            var e = c.Pfns[s];
            if (!PostedCall.Has(e, HmmPfn.Valid))
            {
                continue;
            }
            var page = PostedCall.PageOf(e);
            var info = k.Page(page);
            if (!PostedCall.Has(e, HmmPfn.Locked))
            {
                if (info.LockedByOther || info.HelperLocked)
                {
                    // lock_page sleeps uninterruptibly; the holder is the scenario's lock op (or a call that never returned).
                    c.Findings.Add(PostedDefect.LockPageSleeps, s);
                    c.Findings.Deadlocked = true;
                    return false;
                }
                k.SetHelperLock(page, true);
                c.Pfns[s] = e | HmmPfn.Locked;
            }
            if (info.Zero)
            {
                IsolateZeroPage(ref k, c, s, page, ref restore);
                continue;
            }
            var held = 1;
            var other = 0;
            if (info.Device < 0)
            {
                // lru_add_drain_all and the retry change nothing here: a page off the LRU is another isolator's.
                if (PostedCall.Injected(c.Inject.IsolateEvery, s) || !info.OnLru)
                {
                    c.ClearMigrate(s, MigrateReason.Isolate);
                    c.NPages--;
                    k.Put(page);
                    restore++;
                    held = 0;
                    other = 1;
                    // No continue: the seed falls through to the check.
                }
                else
                {
                    k.SetLru(page, false);
                    c.Isolated[s] = true;
                }
            }
            var cache = info.Cached ? 1 : 0;
            // refcount − extra > mapcount, with the helper's reference (held), another isolator's, pins and the page cache's.
            if (info.Compound || info.Pins + cache + other + held > 1)
            {
                if (held == 0)
                {
                    c.Findings.Add(PostedDefect.IsolateFailDoubleCount, s);
                }
                if (cache == 1 && info.Pins + other + held <= 1)
                {
                    c.Findings.Add(PostedDefect.PinCheckCountsCache, s);
                }
                c.ClearMigrate(s, MigrateReason.Pinned);
                c.NPages--;
                restore++;
            }
        }
        if (restore > 0)
        {
            // The restore pass walks the page table again.
            c.Costs.Walks++;
            IsolateRestorePass(ref k, c, restore);
        }
        if (c.NPages == 0)
        {
            Stranded(ref k, c, PostedDefect.IsolateAllFailStranded);
        }
        return true;
    }

    /// <summary>
    /// The first loop on a zero-page slot, literally: the zero page is on no LRU and no one else isolated it, so
    /// isolate_lru_page fails and the collect reference is dropped (the base reference can reach 0); the fall-through
    /// check then reads its real counts, <c>refcount − 1 &gt; mapcount</c>, with the mapcount collect's rmap removal drove
    /// negative (docs/v13-as-posted.md §6(c)).
    /// </summary>
    private static void IsolateZeroPage<TKernel>(ref TKernel k, PostedCall c, int s, int page, ref long restore) where TKernel : struct, IPostedKernel
    {
        // Departs from the literal code once a defect put the zero page on the LRU: its isolation would then succeed and
        // the zero page would go to the driver; the simulator keeps failing it (docs/model.md, "v13-as-posted").
        c.ClearMigrate(s, MigrateReason.Isolate);
        c.NPages--;
        k.Put(page);
        restore++;
        var zero = k.Page(page);
        if (zero.Refcount == 0)
        {
            c.Findings.Add(PostedDefect.ZeroPageRefcountZero, s);
        }
        if (zero.Refcount - 1 > zero.Mapcount)
        {
            c.Findings.Add(PostedDefect.IsolateFailDoubleCount, s);
            c.ClearMigrate(s, MigrateReason.Pinned);
            c.NPages--;
            restore++;
        }
    }
}
