using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration.AsPosted;

internal static partial class PostedHelper
{
    /// <summary>
    /// lock_and_isolate's restore pass, exactly as docs/v13-as-posted.md §4 gives it, on VMA-relative byte addresses:
    /// the outer scan skips the slots that <em>lack</em> MIGRATE and starts at the first survivor
    /// (<c>isolate-restore-skip-inverted</c>); the PTE loop takes and clears each failed slot's PTE before testing it
    /// (<c>restore-clears-present-pte</c>) and rebuilds it from the slot's page (<c>restore-wrong-page</c> when that is not
    /// the entry's); the unlock loop steps the address by <c>PAGE_SHIFT</c> bytes and the index by one slot
    /// (<c>unlock-stride-page-shift</c>, reading past the array: <c>restore-index-overrun</c>, as empty slots).
    /// </summary>
    private static void IsolateRestorePass<TKernel>(ref TKernel k, PostedCall c, long restore) where TKernel : struct, IPostedKernel
    {
        var start = c.Start * PageBytes;
        var end = (c.Start + c.Count) * PageBytes;
        var addr = start;
        long i = 0;
        var firstSurvivor = -1L;
        var writable = k.VmaWritable;
        while (addr < end)
        {
            var e = c.Read(i);
            if (!PostedCall.Has(e, HmmPfn.Valid) || !PostedCall.Has(e, HmmPfn.Migrate))
            {
                addr += PageBytes;
                i++;
                continue;
            }
            if (firstSurvivor < 0)
            {
                firstSurvivor = i;
            }
            var restart = addr;
            var span = addr / PmdBytes;
            if (!k.PmdTableExists(span))
            {
                addr = (span + 1) * PmdBytes;
                i = (addr - start) / PageBytes;
                continue;
            }
            var next = Math.Min((span + 1) * PmdBytes, end);
            for (; addr < next; addr += PageBytes, i++)
            {
                e = c.Read(i);
                if (!PostedCall.Has(e, HmmPfn.Valid) || PostedCall.Has(e, HmmPfn.Migrate))
                {
                    continue;
                }
                var pteIndex = addr / PageBytes;
                var old = k.ReadPte(pteIndex);
                if (old.Kind == PostedPteKind.None)
                {
                    continue;
                }
                if (old.Kind != PostedPteKind.Migration)
                {
                    k.DropPte(pteIndex);
                    c.Findings.Add(PostedDefect.RestoreClearsPresentPte, i);
                    continue;
                }
                var page = PostedCall.PageOf(e);
                if (page != old.Page)
                {
                    c.Findings.Add(PostedDefect.RestoreWrongPage, i);
                }
                if (page == PostedZeroPage.Handle)
                {
                    // The PTE is built from the page and vm_page_prot only: no pte_mkspecial.
                    c.Findings.Add(PostedDefect.ZeroPageLostSpecial, i);
                }
                // Write: the slot's WRITE and the VMA's VM_WRITE; soft-dirty, young and dirty are not kept.
                k.MapOverMigrationEntry(pteIndex, page, PostedCall.Has(e, HmmPfn.Write) && writable);
            }
            addr = restart;
            i = (restart - start) / PageBytes;
            var spanFirstSlot = (span * PmdBytes - start) / PageBytes;
            var spanEndSlot = (next - start + PageBytes - 1) / PageBytes;
            while (addr < next && restore > 0)
            {
                e = c.Read(i);
                if (PostedCall.Has(e, HmmPfn.Valid) && !PostedCall.Has(e, HmmPfn.Migrate))
                {
                    var page = PostedCall.PageOf(e);
                    c.Pfns[i] = 0;
                    UnlockPage(ref k, c, page, i);
                    restore--;
                    if (i < spanFirstSlot || i >= spanEndSlot)
                    {
                        c.Findings.Add(PostedDefect.UnlockStridePageShift, i);
                    }
                    if (k.Page(page).Device >= 0)
                    {
                        k.Put(page);
                    }
                    else
                    {
                        PutbackLruPage(ref k, c, page, i);
                    }
                }
                // PAGE_SHIFT, not PAGE_SIZE.
                addr += 12;
                i++;
            }
            if (restore == 0)
            {
                break;
            }
        }
        var limit = firstSurvivor < 0 ? c.Count : firstSurvivor;
        for (var s = 0; s < limit; s++)
        {
            if (PostedCall.Has(c.Pfns[s], HmmPfn.Valid) && !PostedCall.Has(c.Pfns[s], HmmPfn.Migrate))
            {
                c.Findings.Add(PostedDefect.IsolateRestoreSkipInverted, s);
            }
        }
    }
}
