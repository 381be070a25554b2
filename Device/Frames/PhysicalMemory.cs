using System.Runtime.CompilerServices;
using HmmEcs.Components.Devices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Tags;
using HmmEcs.Devices.Content;
using HmmEcs.Devices.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Devices.Frames;

/// <summary>
/// Every page frame of the machine as page entities, created once at start (like <c>mem_map</c>):
/// RAM frames have ids <c>0..RamPages-1</c>, then each device's pages follow. An id maps to its
/// chunk and row by arithmetic; allocation changes a page's state, never the world's structure.
/// </summary>
public sealed class PhysicalMemory
{
    private readonly DeviceMemory[] _devices;

    /// <summary>Creates RAM and hot-plugs the devices into <paramref name="world"/>.</summary>
    public PhysicalMemory(World world, long ramPages, IReadOnlyList<DeviceSpec> devices, bool bytesPayload)
    {
        World = world;
        BytesPayload = bytesPayload;
        RamPages = checked((int)ramPages);
        Ram = new SystemRam(RamPages, world.ChunkCapacity);
        var frames = ramPages;
        foreach (var spec in devices)
        {
            frames += spec.Pages;
        }
        // Frame numbers are ints: the machine's frames together must fit one.
        _ = checked((int)frames);
        // Frames are rows without entity handles: they are found by frame number, live as long as the machine, and
        // at 10^7–10^8 frames an id slot and an entity column entry each would be 16 bytes a frame of touched memory.
        Ram.Run.AppendRows(world, RamPages, static (w, n, segment) => w.CreateRows<Page, PageContent, Migrate, Locked>(n, segment), FreePages);
        ClearBits(Ram.Run);

        _devices = new DeviceMemory[devices.Count];
        var nextId = (long)RamPages;
        for (var d = 0; d < devices.Count; d++)
        {
            var spec = devices[d];
            var run = new EntityRun(world.ChunkCapacity);
            var pages = checked((int)spec.Pages);
            run.AppendRows(world, pages, spec.Addressable
                ? static (w, n, segment) => w.CreateRows<Page, PageContent, Migrate, Locked, Device>(n, segment)
                : static (w, n, segment) => w.CreateRows<Page, PageContent, Migrate, Locked, Device, Unaddressable>(n, segment), FreePages);
            ClearBits(run);
            var chunkCount = (int)((spec.Pages + spec.ChunkPages - 1) / spec.ChunkPages);
            var chunks = new Entity[chunkCount];
            for (var c = 0; c < chunkCount; c++)
            {
                var len = (int)Math.Min(spec.ChunkPages, spec.Pages - (long)c * spec.ChunkPages);
                var info = new DeviceChunk { Device = d, FirstPage = c * spec.ChunkPages, Pages = len, Free = len };
                chunks[c] = spec.Addressable
                    ? world.Create(info, default(Device))
                    : world.Create(info, default(Device), default(Unaddressable));
            }
            _devices[d] = new DeviceMemory(d, spec, checked((int)nextId), run, chunks);
            nextId += pages;
        }
        TotalIds = checked((int)nextId);
    }

    /// <summary>The world the pages live in.</summary>
    public World World { get; }

    /// <summary>True in <c>bytes</c> payload mode.</summary>
    public bool BytesPayload { get; }

    /// <summary>Byte payloads (bytes mode).</summary>
    public PayloadStore Payloads { get; } = new();

    /// <summary>RAM frames.</summary>
    public int RamPages { get; }

    /// <summary>Page ids in all (RAM and devices).</summary>
    public int TotalIds { get; }

    /// <summary>System RAM: its page entities and frame allocator.</summary>
    public SystemRam Ram { get; }

    /// <summary>The devices.</summary>
    public IReadOnlyList<DeviceMemory> Devices => _devices;

    /// <summary>Device index of page <paramref name="id"/>, -1 for RAM.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int DeviceOf(int id)
    {
        if (id < RamPages)
        {
            return -1;
        }
        var d = 0;
        while (d + 1 < _devices.Length && id >= _devices[d + 1].FirstId)
        {
            d++;
        }
        return d;
    }

    /// <summary>Frame number of a page inside its memory (RAM frame or device page number).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long FrameOf(int id)
    {
        var d = DeviceOf(id);
        return d < 0 ? id : id - _devices[d].FirstId;
    }

    /// <summary>The run holding page <paramref name="id"/> and its number in the run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public EntityRun RunOf(int id, out long n)
    {
        if (id < RamPages)
        {
            n = id;
            return Ram.Run;
        }
        var dev = _devices[DeviceOf(id)];
        n = id - dev.FirstId;
        return dev.Run;
    }

    /// <summary>Chunk and row of page <paramref name="id"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Chunk Locate(int id, out int row)
    {
        var run = RunOf(id, out var n);
        row = run.RowOf(n);
        return run.ChunkAt(n);
    }

    /// <summary>The page component of page <paramref name="id"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Page PageRef(int id)
    {
        var chunk = Locate(id, out var row);
        return ref chunk.GetSpan<Page>()[row];
    }

    /// <summary>The content component of page <paramref name="id"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref PageContent ContentRef(int id)
    {
        var chunk = Locate(id, out var row);
        return ref chunk.GetSpan<PageContent>()[row];
    }

    /// <summary>True when page <paramref name="id"/> has enableable tag <typeparamref name="T"/> set.</summary>
    public bool HasTag<T>(int id) where T : struct
    {
        var chunk = Locate(id, out var row);
        return chunk.IsEnabled<T>(row);
    }

    /// <summary>The content stamp a page's content component stands for (bytes mode: the stamp its bytes carry, or a hash when they match no stamp).</summary>
    public ulong ContentOf(in PageContent content)
    {
        if (!BytesPayload)
        {
            return content.Value;
        }
        if (content.Payload < 0)
        {
            return 0;
        }
        var bytes = Payloads.Bytes(content.Payload);
        var stamp = Components.Content.Stamp.Read(bytes);
        return Components.Content.Stamp.Matches(stamp, bytes) ? stamp : HashOf(bytes);
    }

    /// <summary>Stores <paramref name="stamp"/> as the page's whole content.</summary>
    public void Write(ref PageContent content, ulong stamp)
    {
        if (!BytesPayload)
        {
            content.Value = stamp;
            return;
        }
        if (stamp == 0)
        {
            DropPayload(ref content);
            return;
        }
        if (content.Payload < 0)
        {
            content.Payload = Payloads.Allocate();
        }
        Components.Content.Stamp.Fill(stamp, Payloads.Bytes(content.Payload));
    }

    /// <summary>Copies the whole content of <paramref name="src"/> into <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void CopyContent(in PageContent src, ref PageContent dst)
    {
        if (!BytesPayload)
        {
            dst.Value = src.Value;
            return;
        }
        CopyBytes(src, ref dst);
    }

    /// <summary>Takes the lowest free frame of RAM (target -1) or of device <paramref name="target"/>; -1 when full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AllocateFrame(int target)
    {
        if (target < 0)
        {
            var f = Ram.Frames.Allocate();
            return f < 0 ? -1 : (int)f;
        }
        var dev = _devices[target];
        var p = dev.AllocatePage();
        return p < 0 ? -1 : dev.FirstId + (int)p;
    }

    /// <summary>
    /// Takes the lowest free frames of RAM (target -1) or device <paramref name="target"/>, up to
    /// <c>into.Length</c>, as page ids in ascending order; returns how many.
    /// </summary>
    public int AllocateFrames(int target, Span<long> into)
    {
        if (target < 0)
        {
            return Ram.Frames.AllocateLowest(into);
        }
        var dev = _devices[target];
        var n = dev.AllocatePages(into);
        for (var k = 0; k < n; k++)
        {
            into[k] += dev.FirstId;
        }
        return n;
    }

    /// <summary>
    /// Takes the lowest free 512-aligned run of 512 frames of RAM (target -1) or device pages of <paramref name="target"/>,
    /// for one PMD-sized folio; its first page id, or -1 when none is free.
    /// </summary>
    public int AllocateFolio(int target)
    {
        if (target < 0)
        {
            var first = Ram.Frames.FindAlignedRun(PageGeometry.PmdPages);
            if (first >= 0)
            {
                Ram.Frames.Take(first, PageGeometry.PmdPages);
            }
            return (int)first;
        }
        var dev = _devices[target];
        var p = dev.AllocateAlignedRun(PageGeometry.PmdPages);
        return p < 0 ? -1 : dev.FirstId + (int)p;
    }

    /// <summary>Marks a just-taken frame allocated and empty (its content reads as zero).</summary>
    public ref Page InitFrame(int id, PageFlags flags)
    {
        var chunk = Locate(id, out var row);
        ref var page = ref chunk.GetSpan<Page>()[row];
        page = Page.Free;
        page.Flags = PageFlags.Allocated | flags;
        chunk.GetSpan<PageContent>()[row] = default;
        return ref page;
    }

    /// <summary>
    /// Times each page id was freed, kept once a device mirror exists (<see cref="TrackGenerations"/>): a mirror
    /// entry taken before a free is stale even when the id is handed out again.
    /// </summary>
    public PageGenerations? Generations { get; private set; }

    /// <summary>Starts counting frees per page id (the first device-mirror access; 4 bytes per page id of a freed page's block).</summary>
    public PageGenerations TrackGenerations() => Generations ??= new PageGenerations(TotalIds);

    /// <summary>Frees a page whose last reference went: content, state, the helper's lock bit and the frame in its allocator.</summary>
    public void ReleaseFrame(int id)
    {
        DropPage(id);
        ReturnFrame(id);
    }

    /// <summary>The page side of a free (<see cref="DropPage(int, ref Page, ref PageContent)"/>) plus the lock bit; the frame is not returned.</summary>
    public void DropPage(int id)
    {
        var chunk = Locate(id, out var row);
        DropPage(id, ref chunk.GetSpan<Page>()[row], ref chunk.GetSpan<PageContent>()[row]);
        chunk.SetEnabled<Locked>(row, false);
    }

    /// <summary>
    /// The page side of a free, for a caller that holds the page's rows: the content goes, the page
    /// reads as free, and the free is counted for the device mirrors. Its enableable tags and its frame
    /// stay the caller's: the migration helper clears the tags of all its pages at once and hands
    /// device pages to the driver's free callback.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void DropPage(int id, ref Page page, ref PageContent content)
    {
        if (BytesPayload && content.Payload >= 0)
        {
            Payloads.Release(content.Payload);
        }
        content = default;
        page = Page.Free;
        Generations?.Bump(id);
    }

    /// <summary>Gives a dropped page's frame back to its allocator: RAM's, or its device's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReturnFrame(int id)
    {
        if (id < RamPages)
        {
            Ram.Frames.Release(id);
            return;
        }
        var dev = _devices[DeviceOf(id)];
        dev.Release(id - dev.FirstId);
    }

    private void CopyBytes(in PageContent src, ref PageContent dst)
    {
        if (src.Payload < 0)
        {
            DropPayload(ref dst);
            return;
        }
        if (dst.Payload < 0)
        {
            dst.Payload = Payloads.Allocate();
        }
        Payloads.Bytes(src.Payload).CopyTo(Payloads.Bytes(dst.Payload));
    }

    private void DropPayload(ref PageContent content)
    {
        if (content.Payload >= 0)
        {
            Payloads.Release(content.Payload);
            content.Payload = -1;
        }
    }

    private static ulong HashOf(ReadOnlySpan<byte> bytes)
    {
        var h = 0xCBF29CE484222325UL;
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (var w in words)
        {
            h = (h ^ w) * 0x100000001B3UL;
        }
        return h | 1;
    }

    /// <summary>New frames are free: only the page row differs from zero (no reverse map); content and tags stay as made.</summary>
    private static void FreePages(Chunk chunk, int start, int count) => chunk.GetSpan<Page>().Slice(start, count).Fill(Page.Free);

    private static void ClearBits(EntityRun run)
    {
        foreach (var chunk in run.Chunks)
        {
            chunk.SetAllEnabled<Migrate>(false);
            chunk.SetAllEnabled<Locked>(false);
        }
    }
}
