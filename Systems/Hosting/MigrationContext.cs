using System.Runtime.InteropServices;
using HmmEcs.Components.Migration;
using HmmEcs.Engine;
using HmmEcs.Systems.Migration;

namespace HmmEcs.Systems.Hosting;

/// <summary>
/// What a host system inserted into the migration pipeline sees of the migrate call in flight: the range,
/// the target, the counters so far and the per-page outcomes. A read-only view over the pipeline's own
/// state (which stays internal): reading it allocates nothing.
/// </summary>
public readonly struct MigrationContext
{
    private readonly MigrateState _state;

    internal MigrationContext(MigrateState state) => _state = state;

    /// <summary>The machine's world (pages, PTEs, VMAs are entities; migrating pages carry the enabled <c>Migrate</c> tag).</summary>
    public World World => _state.Mm.World;

    /// <summary>Name of the VMA being migrated.</summary>
    public string Vma => _state.Vma.Name;

    /// <summary>First VMA-relative page of the call's range.</summary>
    public long Start => _state.Start;

    /// <summary>One past the last page of the range.</summary>
    public long End => _state.End;

    /// <summary>Pages in the range.</summary>
    public int Count => _state.Count;

    /// <summary>Target device index (as in <c>MachineConfig.DeviceList</c>), -1 for RAM.</summary>
    public int Target => _state.Target;

    /// <summary>Pages collect selected.</summary>
    public int Collected => _state.Collected;

    /// <summary>
    /// Pages collect took that have not given up since: still migrating, or migrated once
    /// remove-migration-entries ran. Counted from <see cref="Outcomes"/> on each read (collect gives every
    /// slot it does not take a reason), so a host reading it once per phase pays a pass over one byte per page.
    /// </summary>
    public int InFlight => _state.Collected == 0 ? 0 : MemoryMarshal.AsBytes(Outcomes).Count((byte)MigrateReason.None);

    /// <summary>Pages that completed their migration (set by remove-migration-entries).</summary>
    public long Migrated => _state.Migrated;

    /// <summary>TLB flushes counted so far.</summary>
    public long TlbFlushes => _state.TlbFlushes;

    /// <summary>
    /// Per page of the range (slot k is page <see cref="Start"/> + k): its reason so far, <see cref="MigrateReason.None"/>
    /// while it still migrates. Valid from collect to the end of the call; empty after it (the call may have handed its
    /// array to the caller's result: read <c>MigrateResult.PageOutcomes</c> there).
    /// </summary>
    public ReadOnlySpan<MigrateReason> Outcomes =>
        _state.Outcome.Length >= _state.Count ? _state.Outcome.AsSpan(0, _state.Count) : default;
}
