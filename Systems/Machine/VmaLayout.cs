using HmmEcs.Components.Memory;

namespace HmmEcs.Systems.Machine;

/// <summary>
/// The kernel VMAs of one named mapping as the front layer checks them: a protection per page, one value while the
/// mapping is whole (no per-page array until a partial munmap or mprotect splits it).
/// </summary>
internal sealed class VmaLayout
{
    private PageProt _uniform;
    private PageProt[]? _pages;

    public VmaLayout(long pages, PageProt prot)
    {
        Pages = pages;
        _uniform = prot;
    }

    public long Pages { get; }

    public PageProt this[long i] => _pages is null ? _uniform : _pages[i];

    /// <summary>Gives <c>[first, first + count)</c> protection <paramref name="prot"/>.</summary>
    public void Set(long first, long count, PageProt prot)
    {
        if (first == 0 && count == Pages)
        {
            _pages = null;
            _uniform = prot;
            return;
        }
        if (_pages is null)
        {
            _pages = new PageProt[Pages];
            Array.Fill(_pages, _uniform);
        }
        Array.Fill(_pages, prot, checked((int)first), checked((int)count));
    }

    /// <summary>Whether every page of <c>[first, first + count)</c> has at least <paramref name="least"/>.</summary>
    public bool All(long first, long count, PageProt least)
    {
        if (_pages is null)
        {
            return _uniform >= least;
        }
        for (var i = first; i < first + count; i++)
        {
            if (_pages[i] < least)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether some page of <c>[first, first + count)</c> has exactly <paramref name="prot"/>.</summary>
    public bool Any(long first, long count, PageProt prot)
    {
        if (_pages is null)
        {
            return _uniform == prot;
        }
        for (var i = first; i < first + count; i++)
        {
            if (_pages[i] == prot)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The end of the run of equal protection that starts at <paramref name="first"/>, at most <paramref name="end"/>: one kernel VMA.</summary>
    public long RunEnd(long first, long end)
    {
        if (_pages is null)
        {
            return end;
        }
        var p = _pages[first];
        var i = first + 1;
        while (i < end && _pages[i] == p)
        {
            i++;
        }
        return i;
    }

    public VmaLayout Clone()
    {
        var c = new VmaLayout(Pages, _uniform);
        if (_pages is not null)
        {
            c._pages = (PageProt[])_pages.Clone();
        }
        return c;
    }
}
