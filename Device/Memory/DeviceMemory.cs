using System.Runtime.CompilerServices;
using HmmEcs.Components.Devices;
using HmmEcs.Devices.Frames;
using HmmEcs.Engine;

namespace HmmEcs.Devices.Memory;

/// <summary>
/// The memory of one device: its pages (ids <see cref="FirstId"/>…), hot-plugged in chunk entities,
/// and the allocator behind the <c>page</c> and <c>chunk</c> rules.
/// </summary>
public sealed class DeviceMemory
{
    private readonly FrameBitmap _pages;
    private readonly int[] _chunkFree;
    private readonly Entity[] _chunks;
    // The chunks whose free count changed since the last sync, as one span: allocation and release are local, and a
    // device of 10^6 pages has 10^4+ chunk entities that a small call must not rewrite.
    private int _dirtyLo = int.MaxValue;
    private int _dirtyHi = -1;
    private readonly int _chunkShift;

    internal DeviceMemory(int index, DeviceSpec spec, int firstId, EntityRun run, Entity[] chunks)
    {
        Index = index;
        Spec = spec;
        FirstId = firstId;
        Run = run;
        _chunks = chunks;
        _pages = new FrameBitmap(spec.Pages);
        _chunkFree = new int[chunks.Length];
        // Chunk of a page by shift when the chunk size is a power of two (a 64-bit divide per page costs more than the rest of the allocation).
        _chunkShift = (spec.ChunkPages & (spec.ChunkPages - 1)) == 0 ? System.Numerics.BitOperations.Log2((uint)spec.ChunkPages) : -1;
        for (var c = 0; c < chunks.Length; c++)
        {
            _chunkFree[c] = ChunkLength(c);
        }
    }

    /// <summary>Device index in the machine.</summary>
    public int Index { get; }

    /// <summary>What the device is.</summary>
    public DeviceSpec Spec { get; }

    /// <summary>Page id of device page 0.</summary>
    public int FirstId { get; }

    /// <summary>Where the page entities live.</summary>
    public EntityRun Run { get; }

    /// <summary>Allocated pages.</summary>
    public long Used => _pages.Used;

    /// <summary>Free pages.</summary>
    public long Free => _pages.Free;

    /// <summary>Chunks hot-plugged.</summary>
    public int ChunkCount => _chunks.Length;

    /// <summary>Pages of chunk <paramref name="c"/> (the last may be short).</summary>
    public int ChunkLength(int c) => (int)Math.Min(Spec.ChunkPages, Spec.Pages - (long)c * Spec.ChunkPages);

    /// <summary>True when device page <paramref name="page"/> is allocated.</summary>
    public bool IsUsed(long page) => _pages.IsUsed(page);

    /// <summary><c>page</c> rule: the lowest free device page, taken; -1 when full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long AllocatePage()
    {
        var p = _pages.Allocate();
        if (p >= 0)
        {
            var c = ChunkOf(p);
            _chunkFree[c]--;
            MarkDirty(c, c);
        }
        return p;
    }

    /// <summary><c>page</c> rule for many pages: the lowest free device pages in ascending order; returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AllocatePages(Span<long> into)
    {
        var n = _pages.AllocateLowest(into);
        // The pages ascend, so each chunk's count drops once per run of its pages, not once per page.
        var k = 0;
        while (k < n)
        {
            var c = ChunkOf(into[k]);
            // The chunk's pages are the ones below the next chunk's first page: found by a binary search, not a look at each.
            var end = into[k..n].BinarySearch((long)(c + 1) * Spec.ChunkPages);
            end = k + (end < 0 ? ~end : end);
            _chunkFree[c] -= end - k;
            k = end;
        }
        if (n > 0)
        {
            MarkDirty(ChunkOf(into[0]), ChunkOf(into[n - 1]));
        }
        return n;
    }

    /// <summary>
    /// <c>chunk</c> rule: the lowest chunk whose pages are all free and that holds at least
    /// <paramref name="pages"/> pages (a group, which may be a VMA's short last one); its first
    /// <paramref name="pages"/> pages are taken. -1 when none.
    /// </summary>
    public int AllocateChunk(int pages)
    {
        for (var c = 0; c < _chunkFree.Length; c++)
        {
            var length = ChunkLength(c);
            if (_chunkFree[c] == length && length >= pages)
            {
                var first = (long)c * Spec.ChunkPages;
                _pages.Take(first, pages);
                _chunkFree[c] -= pages;
                MarkDirty(c, c);
                return c;
            }
        }
        return -1;
    }

    /// <summary>
    /// A PMD-sized device folio (mainline 6.19): the lowest free <paramref name="pages"/>-aligned run of that many
    /// device pages, taken; its first device page, or -1 when none is free.
    /// </summary>
    public long AllocateAlignedRun(int pages)
    {
        var first = _pages.FindAlignedRun(pages);
        if (first < 0)
        {
            return -1;
        }
        _pages.Take(first, pages);
        for (var p = first; p < first + pages; p++)
        {
            _chunkFree[ChunkOf(p)]--;
        }
        MarkDirty(ChunkOf(first), ChunkOf(first + pages - 1));
        return first;
    }

    /// <summary>Frees one device page (the free callback's last step).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Release(long page)
    {
        _pages.Release(page);
        var c = ChunkOf(page);
        _chunkFree[c]++;
        MarkDirty(c, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MarkDirty(int lo, int hi)
    {
        _dirtyLo = Math.Min(_dirtyLo, lo);
        _dirtyHi = Math.Max(_dirtyHi, hi);
    }

    private int ChunkOf(long page) => _chunkShift >= 0 ? (int)(page >> _chunkShift) : (int)(page / Spec.ChunkPages);

    /// <summary>Writes the free counts into the chunk entities (once per step, not per page).</summary>
    public void SyncChunks(World world)
    {
        for (var c = _dirtyLo; c <= _dirtyHi; c++)
        {
            world.Get<DeviceChunk>(_chunks[c]).Free = _chunkFree[c];
        }
        _dirtyLo = int.MaxValue;
        _dirtyHi = -1;
    }

    /// <summary>Free pages per chunk as the chunk entities record them (for the checker).</summary>
    public int ChunkFreeRecorded(World world, int c) => world.Get<DeviceChunk>(_chunks[c]).Free;

    /// <summary>Free pages per chunk as the allocator counts them.</summary>
    public int ChunkFree(int c) => _chunkFree[c];
}
