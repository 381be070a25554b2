using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace HmmEcs.Benchmarks.Migrate;

/// <summary>
/// The least state a 1M-page migrate must touch, in plain arrays with no ECS and no simulation
/// bookkeeping beyond it: PTEs (12 B), hot page rows (16 B), contents (8 B), lock/migrate bits,
/// the src/dst pfn arrays and outcomes, the RAM free bitmap, free counts and an 8-byte mirror
/// entry per page. <see cref="MigrateFused"/> does the helper's work in one loop per page;
/// <see cref="MigrateInPhases"/> does the same work in the helper's seven phases plus restore and
/// mirror, one pass each. Both are the floor any engine keeping this state can reach on a machine.
/// </summary>
internal sealed class FloorMachine
{
    private const byte Present = 1, Migration = 2, DevicePrivate = 3;
    private const ushort Lru = 1, Anon = 2;
    private const byte Pinned = 7;

    private readonly int _pages;
    private readonly int _deviceBase;
    private readonly FloorPte[] _ptes;
    private readonly FloorPage[] _rows;
    private readonly ulong[] _content;
    private readonly ulong[] _locked;
    private readonly ulong[] _migrate;
    private readonly ulong[] _ramUsed;
    private readonly uint[] _generations;
    private readonly long[] _src;
    private readonly long[] _dst;
    private readonly byte[] _outcome;
    private readonly ulong[] _mirror;
    private int _nextDevicePage;

    /// <summary>Pages in the migrated range.</summary>
    public int Pages => _pages;

    /// <summary>A machine of <paramref name="ramPages"/> frames and <paramref name="devicePages"/> device pages with <paramref name="pages"/> written, every <paramref name="pinEvery"/>-th pinned.</summary>
    public FloorMachine(int pages, int ramPages, int devicePages, int pinEvery)
    {
        _pages = pages;
        _deviceBase = ramPages;
        var ids = ramPages + devicePages;
        _ptes = new FloorPte[pages];
        _rows = new FloorPage[ids];
        _content = new ulong[ids];
        _locked = new ulong[(ids + 63) / 64];
        _migrate = new ulong[(ids + 63) / 64];
        _ramUsed = new ulong[(ramPages + 63) / 64];
        _generations = new uint[ids];
        _src = new long[pages];
        _dst = new long[pages];
        _outcome = new byte[pages];
        _mirror = new ulong[pages];
        PinEvery = pinEvery;
        Reset();
    }

    /// <summary>The passes of <see cref="MigrateInPhases"/>, named as the ECS pipeline's phases (the last is the mirror mapping after the call).</summary>
    public static readonly string[] PhaseNames =
        ["collect", "lock-and-isolate", "unmap", "alloc-and-copy", "migrate-struct-page", "remove-migration-entries", "restore", "mirror"];

    /// <summary>Stopwatch ticks of each pass of the last <see cref="MigrateInPhases"/>.</summary>
    public long[] PhaseTicks { get; } = new long[PhaseNames.Length];

    /// <summary>Every how many pages one is pinned.</summary>
    public int PinEvery { get; }

    /// <summary>Back to the written, pinned state before a migrate (page i in frame i).</summary>
    public void Reset()
    {
        Array.Clear(_rows);
        Array.Clear(_content);
        Array.Clear(_locked);
        Array.Clear(_migrate);
        Array.Clear(_ramUsed);
        Array.Clear(_outcome);
        Array.Clear(_generations);
        for (var i = 0; i < _pages; i++)
        {
            _ptes[i] = new FloorPte { Target = i, RmapNext = -1, Kind = Present, Writable = 1 };
            var pinned = i % PinEvery == 0;
            _rows[i] = new FloorPage { Refcount = pinned ? 2 : 1, Mapcount = 1, RmapHead = i, Pins = (short)(pinned ? 1 : 0), Flags = Lru | Anon };
            _content[i] = (ulong)i * 0x9E3779B97F4A7C15UL;
            _ramUsed[i >> 6] |= 1UL << i;
        }
        _nextDevicePage = 0;
    }

    /// <summary>The whole migrate, one loop per page; returns the pages moved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int MigrateFused()
    {
        var moved = 0;
        for (var i = 0; i < _pages; i++)
        {
            ref var pte = ref _ptes[i];
            var id = pte.Target;
            ref var page = ref _rows[id];
            if (pte.Kind != Present || IsSet(_locked, id))
            {
                continue;
            }
            if (page.Refcount - page.Mapcount > 0)
            {
                _outcome[i] = Pinned;
                continue;
            }
            var dstId = _deviceBase + _nextDevicePage++;
            _src[i] = id;
            _dst[i] = dstId;
            _content[dstId] = _content[id];
            ref var dst = ref _rows[dstId];
            dst = new FloorPage { Refcount = 1, Mapcount = 1, RmapHead = page.RmapHead, Flags = (ushort)(page.Flags & Anon) };
            pte.Target = dstId;
            pte.Kind = DevicePrivate;
            Free(id, ref page);
            _mirror[i] = (ulong)(uint)dstId | ((ulong)_generations[dstId] << 34) | ((ulong)(pte.Writable + 1u) << 32);
            moved++;
        }
        return moved;
    }

    /// <summary>The same migrate as the helper's phases, one pass each; returns the pages moved.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int MigrateInPhases()
    {
        var t = Stopwatch.GetTimestamp();
        Collect();
        t = Mark(0, t);
        LockAndIsolate();
        t = Mark(1, t);
        Unmap();
        t = Mark(2, t);
        AllocAndCopy();
        t = Mark(3, t);
        MigrateStructPage();
        t = Mark(4, t);
        var moved = RemoveMigrationEntries();
        t = Mark(5, t);
        Restore();
        t = Mark(6, t);
        MirrorMap();
        Mark(7, t);
        return moved;
    }

    private void Collect()
    {
        for (var i = 0; i < _pages; i++)
        {
            ref var pte = ref _ptes[i];
            var id = pte.Target;
            if (pte.Kind != Present || IsSet(_locked, id))
            {
                _src[i] = -1;
                continue;
            }
            _src[i] = id;
            _outcome[i] = 0;
            pte.Kind = Migration;
            Set(_migrate, id);
            Set(_locked, id);
        }
    }

    private void LockAndIsolate()
    {
        for (var i = 0; i < _pages; i++)
        {
            var id = (int)_src[i];
            if (id < 0 || !IsSet(_migrate, id))
            {
                continue;
            }
            ref var page = ref _rows[id];
            if (page.Refcount - page.Mapcount > 0)
            {
                _outcome[i] = Pinned;
                Clear(_migrate, id);
                continue;
            }
            page.Flags &= unchecked((ushort)~Lru);
        }
    }

    private void Unmap()
    {
        var shared = 0;
        for (var i = 0; i < _pages; i++)
        {
            var id = (int)_src[i];
            if (id >= 0 && IsSet(_migrate, id) && _rows[id].Mapcount > 1)
            {
                shared++;
            }
        }
        if (shared != 0)
        {
            throw new InvalidOperationException("the floor has no shared pages");
        }
    }

    private void AllocAndCopy()
    {
        for (var i = 0; i < _pages; i++)
        {
            var id = (int)_src[i];
            if (id < 0 || !IsSet(_migrate, id))
            {
                _dst[i] = -1;
                continue;
            }
            var dstId = _deviceBase + _nextDevicePage++;
            _dst[i] = dstId;
            _rows[dstId] = new FloorPage { RmapHead = -1 };
            Set(_locked, dstId);
            _content[dstId] = _content[id];
        }
    }

    private void MigrateStructPage()
    {
        for (var i = 0; i < _pages; i++)
        {
            var id = (int)_src[i];
            if (id >= 0 && IsSet(_migrate, id))
            {
                _rows[(int)_dst[i]].Flags |= (ushort)(_rows[id].Flags & Anon);
            }
        }
    }

    private int RemoveMigrationEntries()
    {
        var moved = 0;
        for (var i = 0; i < _pages; i++)
        {
            var id = (int)_src[i];
            if (id < 0 || !IsSet(_migrate, id))
            {
                continue;
            }
            ref var page = ref _rows[id];
            var dstId = (int)_dst[i];
            for (var g = page.RmapHead; g >= 0; g = _ptes[g].RmapNext)
            {
                _ptes[g].Target = dstId;
                _ptes[g].Kind = DevicePrivate;
            }
            ref var dst = ref _rows[dstId];
            dst.RmapHead = page.RmapHead;
            dst.Mapcount = page.Mapcount;
            dst.Refcount = page.Mapcount;
            Clear(_locked, dstId);
            Free(id, ref page);
            Clear(_migrate, id);
            Clear(_locked, id);
            moved++;
        }
        return moved;
    }

    private void Restore()
    {
        for (var i = 0; i < _pages; i++)
        {
            if (_outcome[i] != Pinned)
            {
                continue;
            }
            var id = (int)_src[i];
            _ptes[i].Kind = Present;
            Clear(_locked, id);
            _rows[id].Flags |= Lru;
        }
    }

    private void MirrorMap()
    {
        for (var i = 0; i < _pages; i++)
        {
            ref var pte = ref _ptes[i];
            if (_outcome[i] == 0 && pte.Kind == DevicePrivate)
            {
                _mirror[i] = (ulong)(uint)pte.Target | ((ulong)_generations[pte.Target] << 34) | ((ulong)(pte.Writable + 1u) << 32);
            }
        }
    }

    private long Mark(int phase, long since)
    {
        var now = Stopwatch.GetTimestamp();
        PhaseTicks[phase] = now - since;
        return now;
    }

    /// <summary>The old page's last reference goes: row and content cleared, free count up, frame back in the bitmap.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Free(int id, ref FloorPage page)
    {
        page = new FloorPage { RmapHead = -1 };
        _content[id] = 0;
        _generations[id]++;
        _ramUsed[id >> 6] &= ~(1UL << id);
    }

    /// <summary>Checks the migrate did what the helper does: pinned pages stayed, the rest moved with their content.</summary>
    public void Verify(int moved)
    {
        var pinned = (_pages + PinEvery - 1) / PinEvery;
        if (moved != _pages - pinned)
        {
            throw new InvalidOperationException($"floor moved {moved} pages, expected {_pages - pinned}");
        }
        for (var i = 0; i < _pages; i++)
        {
            var expected = (ulong)i * 0x9E3779B97F4A7C15UL;
            if (_content[_ptes[i].Target] != expected)
            {
                throw new InvalidOperationException($"floor lost the content of page {i}");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSet(ulong[] bits, int id) => (bits[id >> 6] & (1UL << id)) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Set(ulong[] bits, int id) => bits[id >> 6] |= 1UL << id;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Clear(ulong[] bits, int id) => bits[id >> 6] &= ~(1UL << id);

    private struct FloorPte
    {
        public int Target;
        public int RmapNext;
        public byte Kind;
        public byte Writable;
    }

    private struct FloorPage
    {
        public int Refcount;
        public int Mapcount;
        public int RmapHead;
        public short Pins;
        public ushort Flags;
    }
}
