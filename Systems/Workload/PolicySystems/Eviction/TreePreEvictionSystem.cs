namespace HmmEcs.Systems.Workload.PolicySystems.Eviction;

/// <summary>
/// Tree-based neighbourhood pre-eviction (Ganguly et al., ISCA'19, TBNe): the least recently used page is the
/// victim; the rest of its 64 KiB leaf goes with it, then every resident page of the largest subtree of its 2 MiB
/// block above the leaf (2, 4, … 32 leaves) that is now less than half resident — the prefetcher's density tree
/// run the other way, over the page entities' <see cref="Resident"/> tags.
/// </summary>
public sealed class TreePreEvictionSystem(long pages) : LeastRecentlyUsedSystem(pages)
{
    private const int LeafPages = 16;
    private const int Leaves = WorkloadRunner.BlockPages / LeafPages;

    /// <inheritdoc/>
    protected override void OnVictim(WorkloadContext state, int page)
    {
        var offset = (int)((state.FirstVmaPage + page) % WorkloadRunner.BlockPages);
        var blockBase = page - (long)offset;
        var leaf = offset / LeafPages;
        PreEvict(state, blockBase + leaf * LeafPages, LeafPages);
        var largest = 0;
        for (var size = 2; size <= Leaves; size *= 2)
        {
            var start = blockBase + leaf / size * size * LeafPages;
            var resident = 0;
            for (var p = Math.Max(0, start); p < Math.Min(state.Pages, start + size * LeafPages); p++)
            {
                resident += state.IsResident((int)p) ? 1 : 0;
            }
            if (2 * resident < size * LeafPages)
            {
                largest = size;
            }
        }
        if (largest > 0)
        {
            PreEvict(state, blockBase + leaf / largest * largest * LeafPages, largest * LeafPages);
        }
    }

    /// <summary>Takes every resident page of <c>[from, from + length)</c> inside the range, in page order.</summary>
    private static void PreEvict(WorkloadContext state, long from, int length)
    {
        for (var p = Math.Max(0, from); p < Math.Min(state.Pages, from + length); p++)
        {
            state.PreEvict((int)p);
        }
    }
}
