using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration.AsPosted;

internal static partial class PostedHelper
{
    /// <summary>
    /// <c>hmm_migrate_remove_migration_pte</c>, the final pass: per PMD span with no none check
    /// (<c>final-pass-empty-pmd</c>: a span without a page table reads as all none), per migration entry of the range,
    /// whoever made it: newpage is the slot's page whenever the slot is valid, MIGRATE untested
    /// (<c>final-maps-failed-dst</c>); <c>remove_migration_ptes</c>, the slot zeroed, the page unlocked and put back,
    /// and a different newpage unlocked and put back too.
    /// </summary>
    private static void HmmMigrateRemoveMigrationPte<TKernel>(ref TKernel k, PostedCall c) where TKernel : struct, IPostedKernel
    {
        var end = c.Start + c.Count;
        for (var i = c.Start; i < end; i++)
        {
            var s = i - c.Start;
            if ((i == c.Start || PageGeometry.OffsetInPmd(i) == 0) && !k.PmdTableExists(PageGeometry.PmdOf(i)))
            {
                c.Findings.Add(PostedDefect.FinalPassEmptyPmd, s);
                i = Math.Min((PageGeometry.PmdOf(i) + 1) * PageGeometry.PmdPages, end) - 1;
                continue;
            }
            var pte = k.ReadPte(i);
            if (pte.Kind != PostedPteKind.Migration)
            {
                continue;
            }
            var page = pte.Page;
            if (c.Source[s] != page)
            {
                // Not this call's entry (a racing call's): the pass restores it all the same.
                c.Findings.Add(PostedDefect.FinalPassForeignEntry, s);
            }
            var e = c.Pfns[s];
            var newPage = PostedCall.Has(e, HmmPfn.Valid) ? PostedCall.PageOf(e) : page;
            var migrated = newPage != page && PostedCall.Has(e, HmmPfn.Migrate);
            if (newPage != page && !migrated)
            {
                c.Findings.Add(PostedDefect.FinalMapsFailedDst, s);
                k.AdoptRmap(page, newPage);
            }
            k.RemoveMigrationPtes(page, newPage);
            c.Pfns[s] = 0;
            UnlockPage(ref k, c, page, s);
            c.NPages--;
            if (k.Page(page).Device >= 0)
            {
                k.Put(page);
            }
            else
            {
                PutbackLruPage(ref k, c, page, s);
            }
            if (newPage != page)
            {
                k.SetHelperLock(newPage, false);
                if (k.Page(newPage).Device >= 0)
                {
                    k.Put(newPage);
                }
                else
                {
                    k.SetLru(newPage, true);
                    k.Put(newPage);
                }
                if (migrated && c.Source[s] == page)
                {
                    c.Migrated[s] = true;
                }
                k.FreeIfUnreferenced(page);
            }
        }
    }
}
