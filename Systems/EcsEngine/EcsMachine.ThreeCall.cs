using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.EcsEngine;

// Mainline's three calls on the ECS pipeline (MigrationPipeline.ThreeCall.cs); the front checks every argument.
public sealed partial class EcsMachine
{
    private (int Vma, long First, int Target) _openCall;

    private protected override long MigrateVmaSetupCore(int vma, long first, int count, int target, MigrateSelection select, Span<ulong> src)
    {
        var v = _mm.Vmas[vma];
        var ops = target < 0 ? RamOps : _mm.Drivers[target].MigrateInto;
        if (target >= 0)
        {
            _mm.PrefaultMirror(v, target, first, count);
        }
        _openCall = (vma, first, target);
        return _pipeline.Setup(v, first, first + count, target, ops, select, src);
    }

    private protected override int MigrateVmaUnitsCore(Span<int> slots, Span<bool> folio) => _pipeline.Units(slots, folio);

    private protected override void MigrateVmaAllocAndCopyCore(ReadOnlySpan<ulong> src, Span<ulong> dst) => _pipeline.AllocAndCopy(src, dst);

    private protected override void MigrateVmaPagesCore(Span<ulong> src, ReadOnlySpan<ulong> dst) => _pipeline.Pages(src, dst);

    private protected override void MigrateVmaFinalizeCore(MigrateResult result)
    {
        _pipeline.Finalize(result);
        var (vma, first, target) = _openCall;
        if (target >= 0)
        {
            // dmirror's finalize: the migrating device maps every page it migrated into its mirror, as after a one-call migrate.
            _mm.MirrorMapMigrated(_mm.Vmas[vma], target, first, result.PageOutcomes);
        }
        SyncDevices();
    }
}
