using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration.AsPosted;

/// <summary>
/// <c>hmm_vma_migrate</c> as posted (HMM v13 16/18, profile <c>v13-as-posted</c>), run literally so that its defects
/// emerge by themselves (docs/v13-as-posted.md §1; docs/model.md, "v13-as-posted"): the phases in the seed's
/// order, its three <c>npages == 0</c> early returns, its cursor-carrying loops. Written once over the kernel primitives
/// of <see cref="IPostedKernel"/>; each engine gives its own (a generic struct: no virtual call per page).
/// </summary>
internal static partial class PostedHelper
{
    private const long PageBytes = PageGeometry.PageBytes;
    private const long PmdBytes = PageBytes * PageGeometry.PmdPages;

    /// <summary>Runs the call over <paramref name="c"/>'s request; its outcomes and findings stay in <paramref name="c"/>.</summary>
    public static void Run<TKernel>(ref TKernel k, PostedCall c) where TKernel : struct, IPostedKernel
    {
        // Collect is one page-table walk inside one notifier range (every mirror of the process receives it).
        c.Costs.Walks++;
        c.Costs.Invalidations++;
        HmmMigrateCollect(ref k, c);
        if (c.NPages != 0 && HmmMigrateLockAndIsolate(ref k, c) && c.NPages != 0 && HmmMigrateUnmap(ref k, c) && c.NPages != 0)
        {
            AllocAndCopy(ref k, c);
            // hmm_migrate_struct_page and hmm_migrate_remove_migration_pte each walk the range's page table again.
            c.Costs.Walks += 2;
            HmmMigrateStructPage(ref k, c);
            // finalize_and_map: the dummy driver only looks (it frees nothing in this profile; the final pass maps what the slots hold).
            HmmMigrateRemoveMigrationPte(ref k, c);
        }
        Settle(c);
        ZeroEntriesStranded(ref k, c);
    }

    /// <summary>Every migration entry to the zero page left in the range when the call returns (nothing will restore it).</summary>
    private static void ZeroEntriesStranded<TKernel>(ref TKernel k, PostedCall c) where TKernel : struct, IPostedKernel
    {
        for (var s = 0; s < c.Count; s++)
        {
            var pte = k.ReadPte(c.Start + s);
            if (pte.Kind == PostedPteKind.Migration && pte.Page == PostedZeroPage.Handle)
            {
                c.Findings.Add(PostedDefect.ZeroPageEntryStranded, s);
            }
        }
    }

    /// <summary>
    /// The simulator's report after the call: a slot collect took that neither migrated nor failed is still held by the
    /// helper (a deadlock, or an early return that stranded it): reason <c>locked</c>; the stranded pages are listed.
    /// </summary>
    private static void Settle(PostedCall c)
    {
        for (var s = 0; s < c.Count; s++)
        {
            if (c.Source[s] < 0)
            {
                continue;
            }
            if (c.Outcome[s] == MigrateReason.None && !c.Migrated[s])
            {
                c.Outcome[s] = MigrateReason.Locked;
            }
        }
    }

    /// <summary>Lists every collected slot whose page the helper still holds locked under <paramref name="defect"/>.</summary>
    private static void Stranded<TKernel>(ref TKernel k, PostedCall c, PostedDefect defect) where TKernel : struct, IPostedKernel
    {
        for (var s = 0; s < c.Count; s++)
        {
            if (c.Source[s] >= 0 && k.Page(c.Source[s]).HelperLocked)
            {
                c.Findings.Add(defect, s);
            }
        }
    }

    /// <summary>putback_lru_page: on the LRU, one reference dropped (the isolation reference it assumes).</summary>
    private static void PutbackLruPage<TKernel>(ref TKernel k, PostedCall c, int page, long slot) where TKernel : struct, IPostedKernel
    {
        if ((ulong)slot < (ulong)c.Count && c.Source[slot] == page)
        {
            if (c.PutBack[slot])
            {
                c.Findings.Add(PostedDefect.DoublePutback, slot);
            }
            else if (!c.Isolated[slot])
            {
                c.Findings.Add(PostedDefect.PutbackNotIsolated, slot);
            }
            c.PutBack[slot] = true;
        }
        if (page == PostedZeroPage.Handle)
        {
            c.Findings.Add(PostedDefect.ZeroPageOnLru, slot);
        }
        k.SetLru(page, true);
        k.Put(page);
    }

    /// <summary>unlock_page by the helper; a page it no longer holds is a double unlock.</summary>
    private static void UnlockPage<TKernel>(ref TKernel k, PostedCall c, int page, long slot) where TKernel : struct, IPostedKernel
    {
        if (!k.Page(page).HelperLocked)
        {
            c.Findings.Add(PostedDefect.DoubleUnlock, slot);
            return;
        }
        k.SetHelperLock(page, false);
    }

    /// <summary>The driver's alloc_and_copy over the slots with MIGRATE; a page already on the target is declined (the dummy driver's choice).</summary>
    private static void AllocAndCopy<TKernel>(ref TKernel k, PostedCall c) where TKernel : struct, IPostedKernel
    {
        var n = c.Count;
        for (var s = 0; s < n; s++)
        {
            var e = c.Pfns[s];
            c.Migrating[s] = false;
            c.Destination[s] = -1;
            if (!PostedCall.Has(e, HmmPfn.Valid | HmmPfn.Migrate))
            {
                continue;
            }
            if (k.Page(PostedCall.PageOf(e)).Device == c.Target)
            {
                c.ClearMigrate(s, MigrateReason.AlreadyOnTarget);
                continue;
            }
            c.Migrating[s] = true;
        }
        Span<int> src = c.Source.AsSpan(0, n);
        c.Copy = k.AllocAndCopy(c.Migrating.AsSpan(0, n), src, c.Destination.AsSpan(0, n));
        for (var s = 0; s < n; s++)
        {
            if (!c.Migrating[s])
            {
                continue;
            }
            var dst = c.Destination[s];
            if (dst < 0)
            {
                c.ClearMigrate(s, MigrateReason.Alloc);
                continue;
            }
            var p = k.Page(dst);
            var flags = HmmPfn.Migrate | HmmPfn.Locked | (p.Device >= 0 ? HmmPfn.Device : 0) | (p.Unaddressable ? HmmPfn.Unaddressable : 0);
            c.Pfns[s] = HmmPfn.From(dst, flags).Value;
        }
    }
}
