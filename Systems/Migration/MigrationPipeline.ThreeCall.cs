using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Driver;
using HmmEcs.Engine;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration;

// Mainline's three calls over the same phases: setup runs collect to unmap, the host's driver fills dst between the calls,
// migrate_vma_pages runs alloc-and-copy (which now only reads the host's dst) and migrate struct page, finalize the rest.
internal sealed partial class MigrationPipeline
{
    private readonly HostDstOps _hostOps = new();
    private HmmPfn[] _driverSrc = [];
    private Entity _openRequest = Entity.Null;

    /// <summary>
    /// migrate_vma_setup: opens a call over <c>[start, end)</c> whose destinations <paramref name="driver"/> allocates,
    /// runs the phases up to alloc-and-copy, and writes <paramref name="hostSrc"/> in <see cref="MigratePfn"/> encoding.
    /// Returns <c>cpages</c>. In a three-call session each member (host systems included) runs its
    /// BeforeUpdate, Update and AfterUpdate together at its point, since the calls are apart.
    /// </summary>
    public long Setup(VmaInfo vma, long start, long end, int target, IMigrateOps driver, MigrateSelection select, Span<ulong> hostSrc)
    {
        if (_running)
        {
            throw new InvalidOperationException("the migration helper is not reentrant");
        }
        _running = true;
        var s = _state;
        _hostOps.Open(driver, (int)(end - start));
        s.Begin(vma, start, end, target, _hostOps, default, select);
        _openRequest = Mm.World.Create(new MigrateRequestInfo { Vma = vma.Id, Start = start, End = end, Target = target });
        var lockAndIsolate = IndexOf(_phases[1]);
        RunMembers(0, lockAndIsolate);
        // src as migrate_vma_collect leaves it: collected pages and holes carry MIGRATE; what collect skipped is 0.
        for (var k = 0; k < s.Count; k++)
        {
            var e = s.Src[k];
            hostSrc[k] = s.Outcome[k] != MigrateReason.None ? 0
                : e.Has(HmmPfn.Valid) ? MigratePfn.Of(e.Pfn) | MigratePfn.Migrate | (e.Has(HmmPfn.Write) ? MigratePfn.Write : 0)
                : MigratePfn.Migrate;
        }
        RunMembers(lockAndIsolate, IndexOf(_phases[3]));
        return ClearGivenUp(hostSrc);
    }

    /// <summary>
    /// The driver's allocate-and-copy between setup and pages: the open call's driver allocates and copies for every
    /// slot whose <paramref name="hostSrc"/> entry keeps MIGRATE; <paramref name="hostDst"/> gets each destination.
    /// </summary>
    public void AllocAndCopy(ReadOnlySpan<ulong> hostSrc, Span<ulong> hostDst)
    {
        var s = _state;
        DriverFlags.Derive(s, MigratingPages.Count(s) + s.Holes);
        if (_driverSrc.Length < s.Count)
        {
            _driverSrc = new HmmPfn[Math.Max(s.Count, MigrateState.SmallRequest)];
        }
        var holes = 0;
        for (var k = 0; k < s.Count; k++)
        {
            var e = s.Src[k];
            _driverSrc[k] = (hostSrc[k] & MigratePfn.Migrate) != 0 ? e : e.Without(HmmPfn.Migrate);
            holes += _driverSrc[k].Value == HmmPfn.Migrate ? 1 : 0;
        }
        var src = _driverSrc.AsSpan(0, s.Count);
        var dst = s.Dst.AsSpan(0, s.Count);
        _hostOps.Cost = _hostOps.Driver.AllocAndCopy(s.Window with { Holes = holes }, src, dst);
        for (var k = 0; k < s.Count; k++)
        {
            hostDst[k] = src[k].Has(HmmPfn.Migrate) && dst[k].Value != 0 ? MigratePfn.Of(dst[k].Pfn) | (hostSrc[k] & MigratePfn.Write) : 0;
        }
    }

    /// <summary>The open call's PMD-sized units: each one's first slot and whether the driver gave it a folio; returns how many.</summary>
    public int Units(Span<int> slots, Span<bool> folio)
    {
        var s = _state;
        for (var u = 0; u < s.Units; u++)
        {
            slots[u] = s.UnitSlot[u];
            folio[u] = s.UnitFolio[u];
        }
        return s.Units;
    }

    /// <summary>migrate_vma_pages with the host's <paramref name="hostDst"/>; clears MIGRATE in <paramref name="hostSrc"/> for pages that gave up.</summary>
    public void Pages(Span<ulong> hostSrc, ReadOnlySpan<ulong> hostDst)
    {
        hostDst.CopyTo(_hostOps.HostDst);
        RunMembers(IndexOf(_phases[3]), IndexOf(_phases[5]));
        ClearGivenUp(hostSrc);
    }

    /// <summary>migrate_vma_finalize: the remaining phases, then <paramref name="result"/>; the call closes.</summary>
    public void Finalize(MigrateResult result)
    {
        try
        {
            RunMembers(IndexOf(_phases[5]), Group.Systems.Count);
            // As the one-call run: a compound unit that moved whole is mapped by one PMD again.
            CompoundUnits.Finish(_state);
            RecordTimes();
            Fill(_state, result);
        }
        finally
        {
            Mm.World.Destroy(_openRequest);
            _openRequest = Entity.Null;
            _running = false;
        }
    }

    /// <summary>Clears MIGRATE in every entry of a slot that gave up; returns the entries left with it.</summary>
    private long ClearGivenUp(Span<ulong> hostSrc)
    {
        var s = _state;
        long migrating = 0;
        for (var k = 0; k < s.Count; k++)
        {
            if ((hostSrc[k] & MigratePfn.Migrate) == 0)
            {
                continue;
            }
            if (s.Outcome[k] != MigrateReason.None)
            {
                hostSrc[k] &= ~MigratePfn.Migrate;
            }
            else
            {
                migrating++;
            }
        }
        return migrating;
    }

    private int IndexOf(ISystem<MigrateState> phase)
    {
        var members = Group.Systems;
        for (var i = 0; i < members.Count; i++)
        {
            if (ReferenceEquals(members[i], phase))
            {
                return i;
            }
        }
        throw new InvalidOperationException($"phase {phase} is not in the pipeline");
    }

    private void RunMembers(int from, int to)
    {
        var members = Group.Systems;
        var s = _state;
        for (var i = from; i < to; i++)
        {
            members[i].BeforeUpdate(s);
            members[i].Update(s);
            members[i].AfterUpdate(s);
        }
    }

    /// <summary>
    /// The driver seen by the phases of a three-call session: its allocate-and-copy already ran between the calls, so at
    /// migrate_vma_pages it only gives up the slots whose host <c>dst</c> entry is 0 (the destination it may hold is freed
    /// by finalize, as an orphan); finalize is the real driver's.
    /// </summary>
    private sealed class HostDstOps : IMigrateOps
    {
        public IMigrateOps Driver { get; private set; } = null!;

        public ulong[] HostDst { get; private set; } = [];

        public CopyCost Cost;

        public void Open(IMigrateOps driver, int count)
        {
            Driver = driver;
            Cost = default;
            if (HostDst.Length < count)
            {
                HostDst = new ulong[count];
            }
            HostDst.AsSpan(0, count).Clear();
        }

        public CopyCost AllocAndCopy(in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst)
        {
            for (var k = 0; k < src.Length; k++)
            {
                if (HostDst[k] == 0)
                {
                    src[k] = src[k].Without(HmmPfn.Migrate);
                }
            }
            return Cost;
        }

        public void FinalizeAndMap(in MigrateWindow window, ReadOnlySpan<HmmPfn> src, Span<HmmPfn> dst) => Driver.FinalizeAndMap(window, src, dst);
    }
}
