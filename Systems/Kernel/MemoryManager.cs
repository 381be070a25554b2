using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Paging;
using HmmEcs.Components.Tags;
using HmmEcs.Devices.Driver;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Kernel;

/// <summary>
/// The simulated kernel's memory management over the world's entities: address spaces, VMAs, PTEs
/// (one global run, so PTE number → chunk and row by arithmetic), the reverse map, page references.
/// PTE entities are never destroyed (munmap turns them into holes of a dead VMA), which keeps the run's
/// arithmetic valid; a departure that trades memory for address-order streaming.
/// </summary>
internal sealed partial class MemoryManager
{
    public MemoryManager(World world, PhysicalMemory memory, DummyDevice[] drivers)
    {
        World = world;
        Memory = memory;
        Drivers = drivers;
        Ptes = new EntityRun(world.ChunkCapacity);
    }

    public World World { get; }
    public PhysicalMemory Memory { get; }
    public DummyDevice[] Drivers { get; }
    public EntityRun Ptes { get; }
    // Each PTE chunk's column by its index in the run: a PTE is two loads from its number (every access reads one).
    private Pte[][] _pteColumns = [];
    public SwapTable Swap { get; } = new();
    public List<AddressSpace> Processes { get; } = [];
    public List<VmaInfo> Vmas { get; } = [];
    public List<FileObject> Files { get; } = [];

    /// <summary>How the migration helper's phases share a large request's pages over the cores (<see cref="Machine.MachineConfig.HelperThreads"/>).</summary>
    public Migration.HelperThreads HelperThreads { get; } = new();

    /// <summary>Read faults on holes of private anonymous VMAs map the shared zero page (<see cref="Machine.MachineConfig.ZeroPage"/>).</summary>
    public bool ZeroPage { get; init; }

    /// <summary>The zero page's own struct page state (moved only by the v13-as-posted helper).</summary>
    public ZeroPageState Zero { get; } = new();

    /// <summary>The migration helper (set once the pipeline is built over this manager).</summary>
    public Migration.MigrationPipeline Pipeline { get; set; } = null!;

    /// <summary>The PTE with global number <paramref name="g"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Pte PteRef(long g) => ref _pteColumns[Ptes.ChunkOf(g)][Ptes.RowOf(g)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Page PageRef(int id) => ref Memory.PageRef(id);

    /// <summary>The content component of page <paramref name="id"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref PageContent ContentRef(int id) => ref Memory.ContentRef(id);

    /// <summary>Takes the columns of PTE chunks the run gained (a PTE chunk's archetype never changes, nor its column).</summary>
    private void KeepPteColumns()
    {
        var chunks = Ptes.Chunks;
        if (_pteColumns.Length == chunks.Count)
        {
            return;
        }
        var columns = new Pte[chunks.Count][];
        _pteColumns.CopyTo(columns, 0);
        for (var c = _pteColumns.Length; c < columns.Length; c++)
        {
            columns[c] = chunks[c].GetColumnArray<Pte>();
        }
        _pteColumns = columns;
    }

    /// <summary>A new VMA with <paramref name="pages"/> hole PTEs created in one run.</summary>
    public VmaInfo NewVma(AddressSpace proc, string name, long pages, VmaKind kind, PageProt prot, bool thp, FileObject? file)
    {
        var writable = prot == PageProt.ReadWrite;
        var first = TakeFreePtes(pages);
        if (first < 0)
        {
            first = Ptes.Count;
            // PTEs are rows without entity handles, found by number as the kernel's page tables are (16 bytes a PTE saved).
            Ptes.AppendRows(World, pages, static (w, n, segment) => w.CreateRows<Pte>(n, segment),
                static (chunk, start, n) => chunk.GetSpan<Pte>().Slice(start, n).Fill(new Pte { Target = -1, RmapNext = -1 }));
            KeepPteColumns();
        }
        var area = new VmaArea
        {
            Process = proc.Id, Id = Vmas.Count, Pages = pages, FirstPte = first,
            File = file?.Id ?? -1, Kind = kind, Writable = writable, Thp = thp,
        };
        var entity = World.Create(area);
        var vma = new VmaInfo(name, area, entity, file);
        vma.SetProt(0, pages, prot);
        if (file is not null)
        {
            file.Mappers++;
        }
        Vmas.Add(vma);
        proc.Vmas.Add(vma);
        return vma;
    }

    /// <summary>Hole PTE runs left by munmap, reused by later VMAs (PTE entities are never destroyed).</summary>
    private readonly List<(int First, long Count)> _freePtes = [];

    /// <summary>Gives the (all-hole) PTEs of an unmapped VMA back for reuse, merged with free neighbours.</summary>
    public void ReleasePtes(int first, long count)
    {
        var k = 0;
        while (k < _freePtes.Count && _freePtes[k].First < first)
        {
            k++;
        }
        _freePtes.Insert(k, (first, count));
        if (k + 1 < _freePtes.Count && first + count == _freePtes[k + 1].First)
        {
            _freePtes[k] = (first, count + _freePtes[k + 1].Count);
            _freePtes.RemoveAt(k + 1);
        }
        if (k > 0 && _freePtes[k - 1].First + _freePtes[k - 1].Count == first)
        {
            _freePtes[k - 1] = (_freePtes[k - 1].First, _freePtes[k - 1].Count + _freePtes[k].Count);
            _freePtes.RemoveAt(k);
        }
    }

    private int TakeFreePtes(long pages)
    {
        for (var k = 0; k < _freePtes.Count; k++)
        {
            var (first, count) = _freePtes[k];
            if (count < pages)
            {
                continue;
            }
            if (count == pages)
            {
                _freePtes.RemoveAt(k);
            }
            else
            {
                _freePtes[k] = (first + (int)pages, count - pages);
            }
            return first;
        }
        return -1;
    }

    /// <summary>A new file (or shmem object) of <paramref name="pages"/> zero pages.</summary>
    public FileObject NewFile(long pages)
    {
        var last = Files.Count == 0 ? null : Files[^1];
        var file = new FileObject(Files.Count, last is null ? 0 : checked(last.Base + last.Cache.Length), pages);
        Files.Add(file);
        return file;
    }

    /// <summary>Page-cache slot (file base + index) of each page-cache page, by page id.</summary>
    public Dictionary<int, int> CacheSlots { get; } = [];

    /// <summary>Struct-page migration of a page-cache page: the cache slot now holds <paramref name="newId"/>.</summary>
    public void MoveCachePage(int oldId, int newId)
    {
        var cacheSlot = CacheSlots[oldId];
        CacheSlots.Remove(oldId);
        CacheSlots[newId] = cacheSlot;
        SetCachePage(cacheSlot, newId);
    }

    /// <summary>Points page-cache slot <paramref name="cacheSlot"/> at page <paramref name="id"/>.</summary>
    public void SetCachePage(int cacheSlot, int id)
    {
        var lo = 0;
        var hi = Files.Count - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (Files[mid].Base <= cacheSlot)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }
        var file = Files[lo];
        file.Cache[cacheSlot - file.Base] = id;
    }

    /// <summary>Writes the VMA component back to its entity after a change.</summary>
    public void SyncVma(VmaInfo vma) => World.Set(vma.Entity, vma.Area);

    /// <summary>Points PTE <paramref name="g"/> at page <paramref name="id"/>: a new mapping (rmap, mapcount, refcount).</summary>
    public void MapPte(long g, int id, PteKind kind, PteBits bits) => Link(ref PteRef(g), ref PageRef(id), g, id, kind, bits);

    /// <summary><see cref="MapPte"/> on rows the caller already holds (a bulk walk with cursors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Link(ref Pte pte, ref Page page, long g, int id, PteKind kind, PteBits bits)
    {
        pte.Kind = kind;
        pte.Bits = bits;
        pte.Target = id;
        pte.RmapNext = page.RmapHead;
        page.RmapHead = (int)g;
        page.Mapcount++;
        page.Refcount++;
    }

    /// <summary>Unlinks PTE <paramref name="g"/> from the reverse map of page <paramref name="id"/>.</summary>
    public void RmapRemove(int id, long g)
    {
        ref var page = ref PageRef(id);
        var next = PteRef(g).RmapNext;
        if (page.RmapHead == g)
        {
            page.RmapHead = next;
            return;
        }
        var cur = page.RmapHead;
        while (cur >= 0)
        {
            ref var p = ref PteRef(cur);
            if (p.RmapNext == g)
            {
                p.RmapNext = next;
                return;
            }
            cur = p.RmapNext;
        }
        throw new InvalidOperationException($"rmap of page {id} lacks PTE {g}");
    }

    /// <summary>Drops the mapping PTE <paramref name="g"/> holds (page reference or swap reference) and makes it a hole.</summary>
    public void ClearPte(long g)
    {
        ref var pte = ref PteRef(g);
        switch (pte.Kind)
        {
            case PteKind.Present:
            case PteKind.DevicePrivate:
            case PteKind.Migration:
            {
                var id = pte.Target;
                RmapRemove(id, g);
                ref var page = ref PageRef(id);
                page.Mapcount--;
                pte = new Pte { Target = -1, RmapNext = -1 };
                TrimSwapCache(id);
                PutPage(id);
                break;
            }
            case PteKind.Swap:
                PutSwap(pte.Target);
                pte = new Pte { Target = -1, RmapNext = -1 };
                break;
            case PteKind.Zero:
                // A special mapping: the zero page holds no reference for it.
                pte = new Pte { Target = -1, RmapNext = -1 };
                break;
        }
    }

    /// <summary>Drops one reference of a swap slot; the slot goes at 0 unless a page is cached for it (then an unmapped one goes with it).</summary>
    public void PutSwap(int slot)
    {
        ref var s = ref Swap[slot];
        if (--s.Count > 0)
        {
            return;
        }
        if (s.Cached >= 0)
        {
            TrimSwapCache(s.Cached);
            return;
        }
        FreeSlot(slot);
    }

    /// <summary>Drops one reference of a page; at 0 it is freed (device pages through the driver's free callback).</summary>
    public void PutPage(int id)
    {
        ref var page = ref PageRef(id);
        if (--page.Refcount > 0)
        {
            return;
        }
        var d = Memory.DeviceOf(id);
        if (d >= 0)
        {
            // As put_page: the kernel drops the page's state, then the driver takes its page back.
            Memory.DropPage(id);
            Drivers[d].PageFree(id);
        }
        else
        {
            Memory.ReleaseFrame(id);
        }
    }

    /// <summary>A new RAM page (lowest free frame), zero content, on the LRU; -1 when RAM is full.</summary>
    public int NewRamPage(PageFlags kind)
    {
        var id = Memory.AllocateFrame(-1);
        if (id >= 0)
        {
            Memory.InitFrame(id, PageFlags.Lru | kind);
        }
        return id;
    }

    /// <summary>Maps region <paramref name="region"/> of <paramref name="vma"/> by one huge PMD over the compound page at <paramref name="head"/>.</summary>
    public void MapHuge(VmaInfo vma, int region, int head, PteBits bits)
    {
        vma.Huge ??= NewHugeTable(vma.Pages);
        vma.Huge[region] = World.Create(new HugePmd { Vma = vma.Id, Region = region, Head = head, Bits = bits });
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            ref var page = ref PageRef(head + k);
            page.Mapcount++;
            page.Refcount++;
        }
    }

    /// <summary>The huge PMD over region <paramref name="region"/>.</summary>
    public ref HugePmd HugeRef(VmaInfo vma, long region) => ref World.Get<HugePmd>(vma.Huge![region]);

    /// <summary>Splits the huge PMD of a region into 512 PTEs that keep its bits (the mapcounts stay).</summary>
    public void SplitHuge(VmaInfo vma, int region)
    {
        var pmd = HugeRef(vma, region);
        // A device-private folio's PMD entry splits into device-private PTEs.
        var kind = IsDevicePrivate(pmd.Head) ? PteKind.DevicePrivate : PteKind.Present;
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            var g = vma.FirstPte + (long)region * PageGeometry.PmdPages + k;
            var id = pmd.Head + k;
            ref var page = ref PageRef(id);
            ref var pte = ref PteRef(g);
            pte.Kind = kind;
            pte.Bits = pmd.Bits;
            pte.Target = id;
            pte.RmapNext = page.RmapHead;
            page.RmapHead = (int)g;
        }
        World.Destroy(vma.Huge![region]);
        vma.Huge[region] = Entity.Null;
    }

    /// <summary>Drops a huge PMD's references (munmap).</summary>
    public void UnmapHuge(VmaInfo vma, int region)
    {
        var head = HugeRef(vma, region).Head;
        World.Destroy(vma.Huge![region]);
        vma.Huge[region] = Entity.Null;
        // Departure: each subpage frees on its own when its references go (the kernel frees the folio whole).
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            PageRef(head + k).Mapcount--;
            PutPage(head + k);
        }
    }

    /// <summary>Takes a 512-aligned run of RAM frames as one compound page; -1 when none is free.</summary>
    public int NewCompoundPage()
    {
        var first = Memory.Ram.Frames.FindAlignedRun(PageGeometry.PmdPages);
        if (first < 0)
        {
            return -1;
        }
        Memory.Ram.Frames.Take(first, PageGeometry.PmdPages);
        for (var k = 0; k < PageGeometry.PmdPages; k++)
        {
            Memory.InitFrame((int)first + k, PageFlags.Lru | PageFlags.Anon | PageFlags.Compound);
        }
        return (int)first;
    }

    private static Entity[] NewHugeTable(long pages)
    {
        var t = new Entity[PageGeometry.PmdsFor(pages)];
        Array.Fill(t, Entity.Null);
        return t;
    }
}
