using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Migration.AsPosted;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>
/// The <c>v13-as-posted</c> profile's helper on the reference engine: <see cref="PostedHelper"/> over plain
/// <see cref="RefPage"/> objects. Page handles: a RAM frame number, or the RAM size plus the device's base plus the device page.
/// </summary>
public sealed partial class ReferenceMachine
{
    private readonly PostedCall _posted = new();
    /// <summary>A call made while a posted call is between phases (a race's migrate): its own state, as a second thread's.</summary>
    private PostedCall? _postedNested;
    private bool _postedRunning;
    private int[]? _deviceBase;

    // The shared zero page's own struct page: base refcount 1, mapcount 0, unlocked, off the LRU; only the posted helper,
    // which takes it for an ordinary page, moves it (docs/v13-as-posted.md §6).
    private int _zeroRefCount = 1;
    private int _zeroMapCount;
    private bool _zeroLocked;
    private bool _zeroOnLru;

    private void MigrateAsPosted(RefVma v, long first, long count, int target, FailureInjection inject, MigrateResult result,
        Machine.Races.IRaceBoundaryHook? races)
    {
        if (_deviceBase is null)
        {
            _deviceBase = new int[_devices.Length];
            var b = _ramPages.Length;
            for (var d = 0; d < _devices.Length; d++)
            {
                _deviceBase[d] = b;
                b += _devices[d].Pages.Length;
            }
        }
        var nested = _postedRunning;
        var c = nested ? _postedNested ??= new PostedCall() : _posted;
        c.Begin(first, (int)count, target, inject);
        c.Races = nested ? null : races;
        var outerRun = _run;
        if (nested)
        {
            _run = _nestedRun ??= new MigrationRun();
        }
        _postedRunning = true;
        try
        {
            var kernel = new RefPostedKernel(this, v, c);
            PostedHelper.Run(ref kernel, c);
        }
        finally
        {
            _postedRunning = nested;
            _run = outerRun;
            c.Races = null;
        }
        result.TlbFlushes = c.TlbFlushes;
        result.Costs = c.Costs;
        result.Copy = c.Copy;
        result.Requested = count;
        RecordOutcomes(v, first, count, target, c.Outcome, c.Migrated, result);
        result.Findings = c.Findings;
    }

    /// <summary>The front's stranded-page query (docs/model.md, "Stranded pages"): a migration entry, or a page the helper left locked or short of references.</summary>
    private protected override bool StrandedCore(int vma, long i)
    {
        var v = _vmas[vma];
        var pte = v.Ptes[i];
        return pte.Kind switch
        {
            PteKind.Migration => true,
            PteKind.Zero => pte.ZeroMigration,
            PteKind.Present or PteKind.DevicePrivate => Stranded(pte.Page!),
            PteKind.None => v.Cache is { } cache && cache[i] is { } cached && Stranded(cached),
            _ => false,
        };
    }

    /// <summary>
    /// Under <c>v13-as-posted</c>, a put that reaches zero on a page a migration entry still names (a put too many, then a
    /// racing write's copy dropping the last mapping): kept, as every page the defects drive to zero (docs/model.md, "Frees"),
    /// so the final pass finds it; the kernel would free it under the entry. The ECS engine's count holds the entry.
    /// </summary>
    private bool KeptUnderMigrationEntry(RefPage p)
    {
        if (Config.Profile != SemanticsProfile.V13AsPosted || p.Mapping is null)
        {
            return false;
        }
        var vmas = p.Mapping.Vmas;
        for (var n = 0; n < vmas.Count; n++)
        {
            if (vmas[n].PageOf(p.Index) is var i and >= 0 && vmas[n].Ptes[i] is { Kind: PteKind.Migration } pte && ReferenceEquals(pte.Page, p))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Locked by the helper, or a put too many (<c>putback-not-isolated</c>, <c>double-putback</c>): fewer references than its mappings, pins and caches hold.</summary>
    private static bool Stranded(RefPage p) =>
        p.HelperLocked || p.RefCount < p.MapCount + p.Pins + (p.Cached ? 1 : 0) + (p.SwapSlot is not null ? 1 : 0);

    private RefPage PageOfHandle(int h)
    {
        if (h < _ramPages.Length)
        {
            return _ramPages[h]!;
        }
        var d = _devices.Length - 1;
        while (_deviceBase![d] > h)
        {
            d--;
        }
        return _devices[d].Pages[h - _deviceBase[d]]!;
    }

    private int HandleOf(RefPage page) => page.Device < 0 ? (int)page.Frame : _deviceBase![page.Device] + (int)page.Frame;

    /// <summary>The reference engine's kernel primitives (its convention: a migration entry holds no mapping and no reference).</summary>
    private readonly struct RefPostedKernel(ReferenceMachine m, RefVma v, PostedCall call) : IPostedKernel
    {
        public long VmaPages => v.Pages;

        // A VMA split by a partial mprotect answers for its page 0's piece (the posted code sees one vm_area_struct).
        public bool VmaWritable => v.WritableAt(0);

        public void SplitHugePmds(long firstSpan, long lastSpan)
        {
            for (var r = firstSpan; r <= lastSpan; r++)
            {
                v.HugePmd[r] = false;
            }
        }

        public bool PmdTableExists(long span)
        {
            var lo = span * PageGeometry.PmdPages;
            var hi = Math.Min(lo + PageGeometry.PmdPages, v.Pages);
            for (var i = lo; i < hi; i++)
            {
                if (v.Ptes[i].Kind != PteKind.None)
                {
                    return true;
                }
            }
            return v.HugePmd[span];
        }

        public PostedPte ReadPte(long i)
        {
            var pte = v.Ptes[i];
            return pte.Kind switch
            {
                PteKind.Zero => new PostedPte(pte.ZeroMigration ? PostedPteKind.Migration : PostedPteKind.Present, PostedZeroPage.Handle, false),
                PteKind.None => new PostedPte(PostedPteKind.None, -1, false),
                PteKind.Swap => new PostedPte(PostedPteKind.Swap, -1, pte.Write),
                PteKind.Present => new PostedPte(PostedPteKind.Present, m.HandleOf(pte.Page!), pte.Write),
                PteKind.DevicePrivate => new PostedPte(PostedPteKind.Device, m.HandleOf(pte.Page!), pte.Write),
                _ => new PostedPte(PostedPteKind.Migration, m.HandleOf(pte.Page!), pte.Write),
            };
        }

        public void DropPte(long i) => v.Ptes[i] = default;

        public void ToMigrationEntry(long i)
        {
            ref var pte = ref v.Ptes[i];
            if (pte.Kind == PteKind.Zero)
            {
                // The rmap removal and the mapping's put, on a page whose special mapping was never counted.
                pte.ZeroMigration = true;
                m._zeroMapCount--;
                m._zeroRefCount--;
                return;
            }
            ReferenceMachine.ToMigrationEntry(ref pte);
        }

        public void MapOverMigrationEntry(long i, int page, bool write)
        {
            ref var pte = ref v.Ptes[i];
            if (page == PostedZeroPage.Handle)
            {
                // Rebuilt from the page and vm_page_prot: present, without the special bit, counted.
                pte = new RefPte { Kind = PteKind.Zero, ZeroNotSpecial = true };
                m._zeroMapCount++;
                m._zeroRefCount++;
                return;
            }
            var p = m.PageOfHandle(page);
            pte.ZeroMigration = false;
            pte.ZeroNotSpecial = false;
            pte.Kind = p.Unaddressable ? PteKind.DevicePrivate : PteKind.Present;
            pte.Page = p;
            pte.Write = write;
            AddMap(p);
        }

        public PostedPage Page(int page)
        {
            if (page == PostedZeroPage.Handle)
            {
                return new PostedPage(-1, false, true, false, false, 0, m._zeroOnLru, false, m._zeroLocked, Zero: true, m._zeroRefCount, m._zeroMapCount);
            }
            var p = m.PageOfHandle(page);
            var movable = p.Device < 0 || m._devices[p.Device].Config.Movable;
            return new PostedPage(p.Device, p.Unaddressable, movable, p.Compound is not null, p.Cached || p.SwapSlot is not null, p.Pins, p.OnLru, p.LockedByOther, p.HelperLocked);
        }

        public void Get(int page)
        {
            if (page == PostedZeroPage.Handle)
            {
                m._zeroRefCount++;
                return;
            }
            AddRef(m.PageOfHandle(page));
        }

        public void Put(int page)
        {
            if (page == PostedZeroPage.Handle)
            {
                m._zeroRefCount--;
                return;
            }
            m.PageOfHandle(page).RefCount--;
        }

        public void FreeIfUnreferenced(int page)
        {
            if (page == PostedZeroPage.Handle)
            {
                return;
            }
            var p = m.PageOfHandle(page);
            if (p.Allocated && p.RefCount <= 0 && p.MapCount <= 0 && !p.Cached && p.SwapSlot is null && !p.HelperLocked && !p.LockedByOther)
            {
                p.RefCount = 0;
                m.FreePage(p);
            }
        }

        public void SetHelperLock(int page, bool locked)
        {
            if (page == PostedZeroPage.Handle)
            {
                m._zeroLocked = locked;
                return;
            }
            m.PageOfHandle(page).HelperLocked = locked;
        }

        public void SetLru(int page, bool on)
        {
            if (page == PostedZeroPage.Handle)
            {
                m._zeroOnLru = on;
                return;
            }
            m.SetLru(m.PageOfHandle(page), on);
        }

        public void TryToUnmap(int page)
        {
            if (page == PostedZeroPage.Handle)
            {
                // Never reached: the zero page's isolation always fails.
                return;
            }
            var p = m.PageOfHandle(page);
            foreach (var other in p.Mapping!.Vmas)
            {
                if (other.PageOf(p.Index) is var oi and >= 0)
                {
                    ref var pte = ref other.Ptes[oi];
                    if (pte.MapsPage && ReferenceEquals(pte.Page, p))
                    {
                        ReferenceMachine.ToMigrationEntry(ref pte);
                    }
                }
            }
        }

        public void RemoveMigrationPtes(int page, int newPage)
        {
            if (page == PostedZeroPage.Handle)
            {
                // No mapping: the rmap walk finds nothing, the migration entries to the zero page stay.
                return;
            }
            var p = m.PageOfHandle(page);
            var q = m.PageOfHandle(newPage);
            foreach (var other in p.Mapping!.Vmas)
            {
                if (other.PageOf(p.Index) is var oi and >= 0)
                {
                    ref var pte = ref other.Ptes[oi];
                    if (pte.Kind == PteKind.Migration && ReferenceEquals(pte.Page, p))
                    {
                        pte.Kind = q.Unaddressable ? PteKind.DevicePrivate : PteKind.Present;
                        pte.Page = q;
                        AddMap(q);
                    }
                }
            }
        }

        public CopyStats AllocAndCopy(ReadOnlySpan<bool> migrating, ReadOnlySpan<int> src, Span<int> dst)
        {
            var run = m._run;
            run.Begin(v, call.Start, migrating.Length, call.Target, default, default);
            for (var k = 0; k < migrating.Length; k++)
            {
                run.Source[k] = migrating[k] ? m.PageOfHandle(src[k]) : null;
            }
            // The v13 driver's rules (lowest free page, the chunk rule) over the slots the helper hands it.
            var stats = m.AllocAndCopy(run);
            for (var k = 0; k < migrating.Length; k++)
            {
                if (migrating[k] && run.Destination[k] is { } d && run.Outcome[k] == MigrateReason.None)
                {
                    d.HelperLocked = true;
                    AddRef(d);
                    dst[k] = m.HandleOf(d);
                }
            }
            return stats;
        }

        public void MigratePage(int src, int dst)
        {
            m.MoveMapping(m.PageOfHandle(src), m.PageOfHandle(dst));
        }

        public void AdoptRmap(int src, int dst)
        {
            var s = m.PageOfHandle(src);
            var d = m.PageOfHandle(dst);
            d.Mapping = s.Mapping;
            d.Index = s.Index;
        }
    }
}
