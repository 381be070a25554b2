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

    /// <summary>Pages still migrating (collected minus those that gave up since).</summary>
    public int InFlight => _state.InFlight;

    /// <summary>Pages that completed their migration (set by remove-migration-entries).</summary>
    public long Migrated => _state.Migrated;

    /// <summary>TLB flushes counted so far.</summary>
    public long TlbFlushes => _state.TlbFlushes;

    /// <summary>Per page of the range (slot k is page <see cref="Start"/> + k): its reason so far, <see cref="MigrateReason.None"/> while it still migrates. Valid after collect.</summary>
    public ReadOnlySpan<MigrateReason> Outcomes => _state.Outcome.AsSpan(0, _state.Count);
}
