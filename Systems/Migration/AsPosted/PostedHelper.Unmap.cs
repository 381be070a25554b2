using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration.AsPosted;

internal static partial class PostedHelper
{
    /// <summary>
    /// <c>hmm_migrate_unmap</c>: <c>try_to_unmap</c> on every slot with MIGRATE; a failure (injected: <c>inject.unmap</c>)
    /// clears MIGRATE and counts <c>restore</c>, but the second loop reuses the first loop's exhausted cursor and never runs
    /// (<c>unmap-restore-never-runs</c>): the page keeps its lock and migration entries until the final pass, if it runs
    /// (<c>unmap-all-fail-stranded</c> when <c>npages</c> reaches 0). False when the call returns here.
    /// </summary>
    private static bool HmmMigrateUnmap<TKernel>(ref TKernel k, PostedCall c) where TKernel : struct, IPostedKernel
    {
        var restore = 0L;
        for (var s = 0; s < c.Count; s++)
        {
            var e = c.Pfns[s];
            if (!PostedCall.Has(e, HmmPfn.Valid | HmmPfn.Migrate))
            {
                continue;
            }
            if (PostedCall.Injected(c.Inject.UnmapEvery, s))
            {
                // The page stays mapped (the injection stands for a mapping try_to_unmap could not reach).
                c.ClearMigrate(s, MigrateReason.Unmap);
                c.NPages--;
                restore++;
                c.Findings.Add(PostedDefect.UnmapRestoreNeverRuns, s);
                continue;
            }
            var page = PostedCall.PageOf(e);
            k.TryToUnmap(page);
            if (k.Page(page).Pins > 0)
            {
                // The same check after try_to_unmap: a racing pin through a mapping live until now (file pages already
                // failed it in lock_and_isolate). Restored only by the final pass, as any unmap failure here.
                c.ClearMigrate(s, MigrateReason.Pinned);
                c.NPages--;
                restore++;
                c.Findings.Add(PostedDefect.UnmapRestoreNeverRuns, s);
            }
        }
        if (c.NPages == 0)
        {
            Stranded(ref k, c, PostedDefect.UnmapAllFailStranded);
            return false;
        }
        _ = restore;
        return true;
    }

    /// <summary>
    /// <c>hmm_migrate_struct_page</c>: for each slot with a destination and MIGRATE, the source from this PTE's migration
    /// entry; a page with a mapping going to unaddressable memory is refused, an injected <c>migrate-page</c> failure clears
    /// MIGRATE; otherwise <c>migrate_page</c> hands the struct page state to the destination.
    /// </summary>
    private static void HmmMigrateStructPage<TKernel>(ref TKernel k, PostedCall c) where TKernel : struct, IPostedKernel
    {
        for (var s = 0; s < c.Count; s++)
        {
            var e = c.Pfns[s];
            if (!PostedCall.Has(e, HmmPfn.Valid | HmmPfn.Migrate))
            {
                continue;
            }
            var pte = k.ReadPte(c.Start + s);
            if (pte.Kind != PostedPteKind.Migration)
            {
                // "Should not happen" (only a race reaches it): the slot is dropped with one destination reference.
                c.Pfns[s] = 0;
                k.Put(PostedCall.PageOf(e));
                continue;
            }
            if (k.Page(pte.Page).Cached && PostedCall.Has(e, HmmPfn.Unaddressable))
            {
                c.ClearMigrate(s, MigrateReason.FileUnaddressable);
                continue;
            }
            if (PostedCall.Injected(c.Inject.MigratePageEvery, s))
            {
                c.ClearMigrate(s, MigrateReason.MigratePage);
                continue;
            }
            k.MigratePage(pte.Page, PostedCall.PageOf(e));
        }
    }
}
