namespace HmmEcs.Systems.Kernel;

/// <summary>
/// The shared zero page's own <c>struct page</c> state. Special PTEs take no reference and no mapcount, so outside
/// <c>v13-as-posted</c> it never changes from its base (refcount 1, mapcount 0, unlocked, off the LRU); the posted
/// helper, which takes it for an ordinary page, moves it (docs/v13-as-posted.md §6) and the checker reports that.
/// </summary>
internal sealed class ZeroPageState
{
    /// <summary>References; the base reference the kernel holds is 1.</summary>
    public int Refcount = 1;

    /// <summary>Mapcount: special mappings add nothing; the posted helper's rmap removals and non-special rebuilds do.</summary>
    public int Mapcount;

    /// <summary>The page lock, held by the posted helper.</summary>
    public bool HelperLocked;

    /// <summary>On an LRU list (putback_lru_page of the posted helper).</summary>
    public bool OnLru;

    /// <summary>True while the state is the base one.</summary>
    public bool IsPristine => Refcount == 1 && Mapcount == 0 && !HelperLocked && !OnLru;
}
