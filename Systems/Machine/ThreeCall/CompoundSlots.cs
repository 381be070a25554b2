using HmmEcs.Components.Memory;

namespace HmmEcs.Systems.Machine;

/// <summary>
/// Mainline 6.19's <c>MIGRATE_PFN_COMPOUND</c> slots in the three calls' arrays. The host sees a PMD-sized unit as the
/// kernel lays it out (<c>migrate_vma_collect_huge_pmd</c>, <c>migrate_vma_collect_hole</c>): one head slot with
/// COMPOUND, the 511 slots after it 0; a destination folio likewise (test_hmm's <c>dmirror_migrate_alloc_and_copy</c>).
/// The engines keep one slot per page, so the front converts at each call: the head's flags stand for its 512 pages.
/// </summary>
/// <remarks>
/// A unit is one head slot only while its 512 pages all migrate: one that lost pages in setup is shown page by page, as
/// the simulator splits it (docs/model.md, "Compound units"). After <c>migrate_vma_pages</c> a unit whose driver fell
/// back to base pages is shown split, as <c>migrate_vma_split_unmapped_folio</c> expands it.
/// </remarks>
internal sealed class CompoundSlots
{
    private const int Pmd = PageGeometry.PmdPages;

    private int[] _slot = [];
    private bool[] _folio = [];
    private bool[] _whole = [];
    private int _units;
    private ulong[] _setupSrc = [];
    private ulong[] _driverDst = [];
    private ulong[] _src = [];
    private ulong[] _dst = [];

    /// <summary>The engine's buffer for each unit's first slot (<see cref="Open"/> sizes it).</summary>
    public Span<int> Slots => _slot;

    /// <summary>The engine's buffer for whether each unit got a destination folio.</summary>
    public Span<bool> Folio => _folio;

    /// <summary>Sizes the buffers for a call of <paramref name="count"/> pages.</summary>
    public void Open(int count)
    {
        var n = count / Pmd + 1;
        if (_slot.Length < n)
        {
            (_slot, _folio, _whole) = (new int[n], new bool[n], new bool[n]);
        }
        if (_src.Length < count)
        {
            (_setupSrc, _driverDst, _src, _dst) = (new ulong[count], new ulong[count], new ulong[count], new ulong[count]);
        }
    }

    /// <summary>
    /// After setup: keeps the engine's per-page <paramref name="src"/> and writes each unit whose 512 pages all still
    /// migrate as one head slot with COMPOUND. Returns how many slots that folded away (each unit counts once in
    /// <c>cpages</c>, as the kernel's does).
    /// </summary>
    public long EncodeSetup(int units, Span<ulong> src)
    {
        _units = units;
        src.CopyTo(_setupSrc);
        long folded = 0;
        for (var u = 0; u < units; u++)
        {
            var s0 = _slot[u];
            var whole = true;
            for (var k = s0; k < s0 + Pmd && whole; k++)
            {
                whole = (src[k] & MigratePfn.Migrate) != 0;
            }
            _whole[u] = whole;
            if (whole)
            {
                src[s0] |= MigratePfn.Compound;
                src.Slice(s0 + 1, Pmd - 1).Clear();
                folded += Pmd - 1;
            }
        }
        return folded;
    }

    /// <summary>The head slot of the unit whose tail slot <paramref name="k"/> is, or -1.</summary>
    public int HeadOf(int k)
    {
        for (var u = 0; u < _units; u++)
        {
            if (_whole[u] && k > _slot[u] && k < _slot[u] + Pmd)
            {
                return _slot[u];
            }
        }
        return -1;
    }

    /// <summary>The host's <paramref name="src"/> page by page: a unit's 512 pages migrate as its head does.</summary>
    public ReadOnlySpan<ulong> ExpandSrc(ReadOnlySpan<ulong> src)
    {
        var n = src.Length;
        src.CopyTo(_src);
        for (var u = 0; u < _units; u++)
        {
            if (_whole[u])
            {
                var s0 = _slot[u];
                var migrate = src[s0] & MigratePfn.Migrate;
                for (var k = s0; k < s0 + Pmd; k++)
                {
                    _src[k] = (_setupSrc[k] & ~MigratePfn.Migrate) | migrate;
                }
            }
        }
        return _src.AsSpan(0, n);
    }

    /// <summary>
    /// After the driver's allocate-and-copy: keeps its per-page <paramref name="dst"/> and writes the destination of each
    /// unit that got one PMD-sized folio (<paramref name="units"/>' folio flags, from the engine) as one head slot with
    /// COMPOUND; a unit that fell back to base pages keeps its 512 entries, as test_hmm's fallback writes them.
    /// </summary>
    public void EncodeDst(int units, Span<ulong> dst)
    {
        dst.CopyTo(_driverDst);
        for (var u = 0; u < units && u < _units; u++)
        {
            if (_whole[u] && _folio[u] && dst[_slot[u]] != 0)
            {
                dst[_slot[u]] |= MigratePfn.Compound;
                dst.Slice(_slot[u] + 1, Pmd - 1).Clear();
            }
        }
    }

    /// <summary>
    /// The host's <paramref name="src"/> and <paramref name="dst"/> at <c>migrate_vma_pages</c>, page by page. A unit whose
    /// head has no destination gives up whole (the kernel clears the head's MIGRATE and its other slots are empty); a
    /// folio destination stands for the driver's 512 pages.
    /// </summary>
    public void ExpandPages(ReadOnlySpan<ulong> src, ReadOnlySpan<ulong> dst)
    {
        ExpandSrc(src);
        dst.CopyTo(_dst);
        for (var u = 0; u < _units; u++)
        {
            if (!_whole[u])
            {
                continue;
            }
            var s0 = _slot[u];
            if (dst[s0] == 0)
            {
                _dst.AsSpan(s0, Pmd).Clear();
            }
            else if ((dst[s0] & MigratePfn.Compound) != 0)
            {
                _driverDst.AsSpan(s0 + 1, Pmd - 1).CopyTo(_dst.AsSpan(s0 + 1, Pmd - 1));
                _dst[s0] = dst[s0] & ~MigratePfn.Compound;
            }
        }
    }

    /// <summary><see cref="ExpandPages"/>' <c>src</c>, page by page, <paramref name="count"/> entries.</summary>
    public Span<ulong> PageSrc(int count) => _src.AsSpan(0, count);

    /// <summary><see cref="ExpandPages"/>' <c>dst</c>, page by page, <paramref name="count"/> entries.</summary>
    public ReadOnlySpan<ulong> PageDst(int count) => _dst.AsSpan(0, count);

    /// <summary>
    /// After <c>migrate_vma_pages</c>: the host's <paramref name="src"/> from the engine's per-page answer. A unit with a
    /// folio destination, or none, stays one head slot (MIGRATE while its pages migrate); one given base pages is split,
    /// its slots expanded page by page (<c>migrate_vma_split_unmapped_folio</c>).
    /// </summary>
    public void EncodePages(Span<ulong> src, ReadOnlySpan<ulong> dst)
    {
        var pages = _src.AsSpan(0, src.Length);
        for (var u = 0; u < _units; u++)
        {
            var s0 = _slot[u];
            if (!_whole[u] || (dst[s0] != 0 && (dst[s0] & MigratePfn.Compound) == 0))
            {
                // Base-page destinations: the source folio was split and its slots read as the engine's pages.
                _whole[u] = false;
                continue;
            }
            var migrating = 0;
            for (var k = s0; k < s0 + Pmd; k++)
            {
                migrating += (pages[k] & MigratePfn.Migrate) != 0 ? 1 : 0;
            }
            if (migrating is not (0 or Pmd))
            {
                // Departure, never reached by the three calls alone (no injection, no race): the kernel fails a folio
                // whole, the simulator's pages fail apart, which splits the unit.
                _whole[u] = false;
                continue;
            }
            pages[s0] = migrating == 0 ? src[s0] & ~MigratePfn.Migrate : src[s0] | MigratePfn.Migrate;
            pages.Slice(s0 + 1, Pmd - 1).Clear();
        }
        pages.CopyTo(src);
    }
}
