using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration.AsPosted;

internal static partial class PostedHelper
{
    /// <summary>
    /// <c>hmm_migrate_collect</c> → <c>hmm_collect_walk_pmd</c>, per PMD span of the range: huge PMDs split first, then per
    /// PTE take-and-clear; none stays none, a swap entry is put back, an immovable device entry is put back; a compound page
    /// is skipped <em>without</em> putting its PTE back (<c>compound-skip-drops-pte</c>); otherwise the slot is written,
    /// <c>npages++</c>, the collect reference taken, and a won trylock makes the entry a migration entry (<c>pages++</c>)
    /// while a lost one puts the PTE back. A span with <c>pages &gt; 0</c> is flushed. No target filter: v13 has none.
    /// </summary>
    private static void HmmMigrateCollect<TKernel>(ref TKernel k, PostedCall c) where TKernel : struct, IPostedKernel
    {
        var first = c.Start;
        var end = c.Start + c.Count;
        k.SplitHugePmds(PageGeometry.PmdOf(first), PageGeometry.PmdOf(end - 1));
        var pages = 0L;
        var span = PageGeometry.PmdOf(first);
        for (var i = first; i < end; i++)
        {
            if (PageGeometry.PmdOf(i) != span)
            {
                c.TlbFlushes += pages > 0 ? 1 : 0;
                pages = 0;
                span = PageGeometry.PmdOf(i);
            }
            var s = i - first;
            var pte = k.ReadPte(i);
            switch (pte.Kind)
            {
                case PostedPteKind.None:
                    c.Outcome[s] = MigrateReason.Hole;
                    continue;
                case PostedPteKind.Swap:
                case PostedPteKind.Migration:
                    // Someone else's migration entry reads as a swap entry that is not a device entry: put back, skipped.
                    c.Outcome[s] = MigrateReason.Swap;
                    continue;
            }
            var info = k.Page(pte.Page);
            if (pte.Kind == PostedPteKind.Device && !info.Movable)
            {
                c.Outcome[s] = MigrateReason.DeviceImmovable;
                continue;
            }
            if (info.Compound)
            {
                k.DropPte(i);
                c.Outcome[s] = MigrateReason.Compound;
                c.Findings.Add(PostedDefect.CompoundSkipDropsPte, s);
                continue;
            }
            var flags = HmmPfn.Migrate | (pte.Write ? HmmPfn.Write : 0) | (info.Device >= 0 ? HmmPfn.Device : 0)
                | (pte.Kind == PostedPteKind.Device ? HmmPfn.Unaddressable : 0);
            if (info.Zero)
            {
                // pfn_to_page gives the zero page a struct page: it is collected, referenced and (trylock) locked like any page.
                c.Findings.Add(PostedDefect.ZeroPageAsNormal, s);
            }
            c.NPages++;
            k.Get(pte.Page);
            c.Source[s] = pte.Page;
            if (info.LockedByOther || info.HelperLocked)
            {
                // trylock_page failed: the PTE is put back, the slot has no LOCKED bit, the collect reference is kept.
                c.Pfns[s] = HmmPfn.From(pte.Page, flags).Value;
                continue;
            }
            k.SetHelperLock(pte.Page, true);
            c.Pfns[s] = HmmPfn.From(pte.Page, flags | HmmPfn.Locked).Value;
            k.ToMigrationEntry(i);
            pages++;
        }
        c.TlbFlushes += pages > 0 ? 1 : 0;
    }
}
