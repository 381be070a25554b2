using HmmEcs.Components.Migration;
using HmmEcs.Devices.Mirror;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>The <c>workload</c> op: the shared runner over this engine's plain page tables, mirror and helper loops.</summary>
public sealed partial class ReferenceMachine
{
    /// <summary>While a workload services a block: slot k of the helper call is selected when true (null: every slot).</summary>
    private bool[]? _selected;

    private protected override Errno WorkloadCore(int device, int vma, long first, long count, WorkloadRequest request, WorkloadResult result)
    {
        var v = _vmas[vma];
        var entries = (v.Mirror ??= new MirrorTable(_devices.Length, v.Pages)).For(device);
        var write = request.MayWrite;
        if (PlanDeviceFaults(v, device, entries, first, count, write, request.EvictionReserve(count)) is var planned and not Errno.None)
        {
            return planned;
        }
        WorkloadRunner.Run(request, first, count, new WorkloadTarget(this, vma, device), result);
        return Errno.None;
    }

    /// <summary>Gives up (<c>alloc</c>) every page in flight that the workload's block did not select, before allocation.</summary>
    private void DropUnselected(MigrationRun m)
    {
        if (_selected is null)
        {
            return;
        }
        for (long k = 0; k < m.Count; k++)
        {
            if (m.InFlight(k) && !_selected[k])
            {
                m.Outcome[k] = MigrateReason.Alloc;
            }
        }
    }

    /// <summary>This engine's side of a workload: levels from the mirror entries, fault service by plain loops and the helper.</summary>
    private sealed class WorkloadTarget(ReferenceMachine machine, int vma, int device) : IWorkloadTarget
    {
        private readonly RefVma _v = machine._vmas[vma];
        private readonly MigrateResult _migrate = new();
        private readonly bool[] _selected = new bool[WorkloadRunner.BlockPages];
        private readonly bool _movable = machine._devices[device].Config.Movable;

        private MirrorEntry[] Entries => _v.Mirror!.For(device);

        public void ReadLevels(long first, Span<byte> levels)
        {
            var entries = Entries;
            for (var k = 0; k < levels.Length; k++)
            {
                var i = first + k;
                var level = machine.IsLive(_v, i, entries[i], true) ? MirrorLevel.Write
                    : machine.IsLive(_v, i, entries[i], false) ? MirrorLevel.Read : MirrorLevel.None;
                levels[k] = (byte)(level | (OnDevice(_v, i, device) ? MirrorLevel.OnDevice : 0));
            }
        }

        public long DeviceFreePages => machine._devices[device].Allocator.Free;

        public void EvictBlock(ReadOnlySpan<long> pages, ref BlockService outcome)
        {
            Migrate(pages, -1);
            outcome.EvictCopyBatches += _migrate.Copy.Batches;
            outcome.EvictCopyUs += _migrate.Copy.DeviceTimeUs;
        }

        /// <summary>One helper call over the span of <paramref name="pages"/> toward <paramref name="target"/>, only they selected.</summary>
        private void Migrate(ReadOnlySpan<long> pages, int target)
        {
            var start = pages[0];
            var count = pages[^1] - start + 1;
            Array.Clear(_selected, 0, (int)count);
            foreach (var p in pages)
            {
                _selected[p - start] = true;
            }
            machine._selected = _selected;
            try
            {
                machine.MigrateCore(vma, start, count, target, default, machine.DefaultSelection(target), _migrate);
            }
            finally
            {
                machine._selected = null;
            }
        }

        public void MapRemote(ReadOnlySpan<long> pages, ReadOnlySpan<bool> writes, ref BlockService outcome)
        {
            FaultCounts ignored = default;
            var entries = Entries;
            for (var k = 0; k < pages.Length; k++)
            {
                if (NeedsCpuFault(_v, device, pages[k], writes[k]))
                {
                    machine.FaultIn(_v, pages[k], writes[k], ref ignored, ownPage: true);
                }
                if (!machine.IsLive(_v, pages[k], entries[pages[k]], writes[k]))
                {
                    machine.MirrorMap(_v, device, pages[k]);
                    outcome.Remote++;
                }
            }
        }

        public void ServiceBlock(ReadOnlySpan<long> pages, ReadOnlySpan<bool> writes, ReadOnlySpan<bool> faulted, ref BlockService outcome)
        {
            FaultCounts ignored = default;
            for (var k = 0; k < pages.Length; k++)
            {
                // An immovable device's read-only page cannot come back for a write-protect fault: served where it is.
                if (NeedsCpuFault(_v, device, pages[k], writes[k]) && (_movable || !OnDevice(_v, pages[k], device)))
                {
                    machine.FaultIn(_v, pages[k], writes[k], ref ignored, ownPage: true);
                }
            }
            Migrate(pages, device);
            outcome.Migrated += _migrate.Migrated;
            outcome.CopyBatches += _migrate.Copy.Batches;
            outcome.CopyUs += _migrate.Copy.DeviceTimeUs;
            var entries = Entries;
            for (var k = 0; k < pages.Length; k++)
            {
                if (faulted[k] && !machine.IsLive(_v, pages[k], entries[pages[k]], writes[k]))
                {
                    machine.MirrorMap(_v, device, pages[k]);
                    outcome.Remote++;
                }
            }
        }
    }
}
