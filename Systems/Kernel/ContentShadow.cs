using System.Runtime.CompilerServices;
using HmmEcs.Components.Content;

namespace HmmEcs.Systems.Kernel;

/// <summary>
/// The content each page of a VMA (or file) should hold, for the checker: sorted, disjoint runs of
/// pages written with one salt (page i of a run holds <c>Stamp(salt, i)</c>); pages outside every run
/// read zero. A write step adds one run, so the shadow costs per write, not 8 bytes per page.
/// </summary>
internal sealed class ContentShadow
{
    private readonly List<Run> _runs;

    public ContentShadow() => _runs = [];

    private ContentShadow(List<Run> runs) => _runs = runs;

    /// <summary>Pages <c>first..first+count</c> were written with <paramref name="salt"/>.</summary>
    public void Write(long first, long count, ulong salt) => Replace(first, count, new Run(first, first + count, salt));

    /// <summary>Pages <c>first..first+count</c> read zero again (a partial munmap).</summary>
    public void Clear(long first, long count) => Replace(first, count, null);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Replace(long first, long count, Run? middle)
    {
        var end = first + count;
        var k = FirstEndingAfter(first);
        var j = k;
        Run? left = null;
        Run? right = null;
        while (j < _runs.Count && _runs[j].Start < end)
        {
            var r = _runs[j];
            if (r.Start < first)
            {
                left = r with { End = first };
            }
            if (r.End > end)
            {
                right = r with { Start = end };
            }
            j++;
        }
        _runs.RemoveRange(k, j - k);
        var insert = new List<Run>(3);
        if (left is { } l)
        {
            insert.Add(l);
        }
        if (middle is { } m)
        {
            insert.Add(m);
        }
        if (right is { } rr)
        {
            insert.Add(rr);
        }
        _runs.InsertRange(k, insert);
    }

    /// <summary>The content page <paramref name="i"/> should hold.</summary>
    public ulong Expected(long i)
    {
        var k = FirstEndingAfter(i);
        return k < _runs.Count && _runs[k].Start <= i ? Stamp.Of(_runs[k].Salt, i + _runs[k].Shift) : 0;
    }

    /// <summary>The content of <c>[first, first + count)</c> moved to page 0 of a new shadow (mremap).</summary>
    public ContentShadow Moved(long first, long count)
    {
        var runs = new List<Run>();
        var end = first + count;
        for (var k = FirstEndingAfter(first); k < _runs.Count && _runs[k].Start < end; k++)
        {
            var r = _runs[k];
            runs.Add(new Run(Math.Max(r.Start, first) - first, Math.Min(r.End, end) - first, r.Salt, r.Shift + first));
        }
        return new ContentShadow(runs);
    }

    /// <summary>An independent copy (fork of a private mapping).</summary>
    public ContentShadow Clone() => new([.. _runs]);

    /// <summary>Index of the first run whose end lies after <paramref name="page"/>.</summary>
    private int FirstEndingAfter(long page)
    {
        int lo = 0, hi = _runs.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_runs[mid].End <= page)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>Pages <c>[Start, End)</c>: page i holds <c>Stamp(Salt, i + Shift)</c> (Shift: how far mremap moved it down).</summary>
    private readonly record struct Run(long Start, long End, ulong Salt, long Shift = 0);
}
