using HmmEcs.Components.Migration;
using HmmEcs.Devices.Copy;
using HmmEcs.Devices.Driver;
using HmmEcs.Devices.Mirror;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload;
using HmmEcs.Systems.Workload.PolicySystems;

namespace HmmEcs.Systems.EcsEngine;

/// <summary>The <c>workload</c> op: the shared runner over this engine's mirror, faults and migration pipeline.</summary>
public sealed partial class EcsMachine
{
    private WorkloadPolicies? _workloadPolicies;

    /// <summary>
    /// The workload op's policies as systems (eviction, prefetch, thrashing over the workload's page entities): a host
    /// inserts its own policy here, or reorders them, without touching the engine (docs/hosting.md).
    /// </summary>
    public WorkloadPolicies WorkloadPolicies => _workloadPolicies ??= new WorkloadPolicies();

    private protected override Errno WorkloadCore(int device, int vma, long first, long count, WorkloadRequest request, WorkloadResult result)
    {
        var v = _mm.Vmas[vma];
        var entries = _mm.MirrorOf(v, device);
        var write = request.MayWrite;
        // As device-write's prepass, over the whole range: any page may be accessed, and by a write.
        if (PlanDeviceFaults(v, device, entries, first, count, write, request.EvictionReserve(count)) is var planned and not Errno.None)
        {
            return planned;
        }
        var (policies, context, builtIns) = WorkloadPolicies.Begin(request, first, count);
        try
        {
            WorkloadRunner.Run(request, first, count, new WorkloadTarget(this, v, device), result, policies);
        }
        finally
        {
            // The request's own systems and the page entities live for this workload; the host's systems are the host's.
            builtIns?.Dispose();
            context?.Dispose();
        }
        SyncDevices();
        return Errno.None;
    }

    /// <summary>This engine's side of a workload: mirror levels from the page tables, fault service through the pipeline.</summary>
    private sealed class WorkloadTarget(EcsMachine machine, VmaInfo vma, int device) : IWorkloadTarget
    {
        private readonly MemoryManager _mm = machine._mm;
        private readonly MirrorEntry[] _entries = machine._mm.MirrorOf(vma, device);
        private readonly SelectedPagesOps _ops = new(machine._mm.Drivers[device].MigrateInto);
        private readonly SelectedPagesOps _evictOps = new(machine.RamOps);
        private readonly MigrateResult _migrate = new();
        private readonly bool _movable = machine._mm.Memory.Devices[device].Spec.Movable;

        public void ReadLevels(long first, Span<byte> levels)
        {
            var memory = _mm.Memory;
            for (var k = 0; k < levels.Length; k++)
            {
                var i = first + k;
                // One page-table read a page: MemoryManager.IsLive for a write, then a read, and OnDevice, fused.
                var id = _mm.MappedAt(vma, i, out var writable);
                ref readonly var e = ref _entries[i];
                var live = id >= 0 && e.Access != 0 && e.Names(id, memory.Generations![id]);
                var level = live && e.Access == MirrorEntry.Write && writable ? MirrorLevel.Write
                    : live && (e.Access == MirrorEntry.Read || writable) ? MirrorLevel.Read : MirrorLevel.None;
                var onDevice = id >= memory.RamPages && memory.DeviceOf(id) == device;
                levels[k] = (byte)(level | (onDevice ? MirrorLevel.OnDevice : 0));
            }
        }

        public long DeviceFreePages => _mm.Memory.Devices[device].Free;

        public void EvictBlock(ReadOnlySpan<long> pages, ref BlockService outcome)
        {
            var start = pages[0];
            _evictOps.Select(start, pages);
            machine._pipeline.Run(vma, start, pages[^1] + 1, -1, _evictOps, default, machine.DefaultSelection(-1), _migrate);
            outcome.EvictCopyBatches += _migrate.Copy.Batches;
            outcome.EvictCopyUs += _migrate.Copy.DeviceTimeUs;
        }

        public void MapRemote(ReadOnlySpan<long> pages, ReadOnlySpan<bool> writes, ref BlockService outcome)
        {
            FaultCounts ignored = default;
            for (var k = 0; k < pages.Length; k++)
            {
                if (_mm.NeedsCpuFault(vma, device, pages[k], writes[k]))
                {
                    _mm.FaultIn(vma, pages[k], writes[k], ref ignored, ownPage: true);
                }
                if (!_mm.IsLive(vma, pages[k], _entries[pages[k]], writes[k]))
                {
                    _mm.MirrorMap(vma, device, pages[k]);
                    outcome.Remote++;
                }
            }
        }

        public void ServiceBlock(ReadOnlySpan<long> pages, ReadOnlySpan<bool> writes, ReadOnlySpan<bool> faulted, ref BlockService outcome)
        {
            FaultCounts ignored = default;
            for (var k = 0; k < pages.Length; k++)
            {
                // A write to a read-only page of an immovable device would need the page back in RAM, which it never
                // comes: the page is served where it is, read-only, and the write faults again next time.
                if (_mm.NeedsCpuFault(vma, device, pages[k], writes[k]) && (_movable || !_mm.OnDevice(vma, pages[k], device)))
                {
                    _mm.FaultIn(vma, pages[k], writes[k], ref ignored, ownPage: true);
                }
            }
            var start = pages[0];
            var end = pages[^1] + 1;
            _ops.Select(start, pages);
            machine._pipeline.Run(vma, start, end, device, _ops, default, machine.DefaultSelection(device), _migrate);
            _mm.MirrorMapMigrated(vma, device, start, _migrate.PageOutcomes);
            outcome.Migrated += _migrate.Migrated;
            outcome.CopyBatches += _migrate.Copy.Batches;
            outcome.CopyUs += _migrate.Copy.DeviceTimeUs;
            for (var k = 0; k < pages.Length; k++)
            {
                if (faulted[k] && !_mm.IsLive(vma, pages[k], _entries[pages[k]], writes[k]))
                {
                    _mm.MirrorMap(vma, device, pages[k]);
                    outcome.Remote++;
                }
            }
        }
    }

    /// <summary>
    /// The device driver's callbacks for one block, as UVM's HMM path calls the helper: over the block's span, with
    /// only the faulting pages selected — the others give up (<c>alloc</c>) before anything is allocated for them.
    /// </summary>
    private sealed class SelectedPagesOps(IMigrateOps inner) : IMigrateOps
    {
        private readonly bool[] _selected = new bool[WorkloadRunner.BlockPages];
        private int _span;

        public void Select(long start, ReadOnlySpan<long> pages)
        {
            _span = (int)(pages[^1] - start + 1);
            Array.Clear(_selected, 0, _span);
            foreach (var p in pages)
            {
                _selected[p - start] = true;
            }
        }

        public CopyCost AllocAndCopy(in MigrateWindow window, Span<HmmPfn> src, Span<HmmPfn> dst)
        {
            for (var k = 0; k < src.Length; k++)
            {
                if (!_selected[k])
                {
                    src[k] = new HmmPfn(src[k].Value & ~HmmPfn.Migrate);
                }
            }
            return inner.AllocAndCopy(window, src, dst);
        }

        public void FinalizeAndMap(in MigrateWindow window, ReadOnlySpan<HmmPfn> src, Span<HmmPfn> dst) =>
            inner.FinalizeAndMap(window, src, dst);
    }
}
