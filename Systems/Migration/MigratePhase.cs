using System.Diagnostics;
using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>A phase of the helper: a system over <see cref="MigrateState"/> that records its own run time.</summary>
internal abstract class MigratePhase(World world, string name) : BaseSystem<MigrateState>(world)
{
    /// <summary>Pages with the <c>Migrate</c> bit (the bit is tested per row; the query names the page archetypes).</summary>
    protected static QueryDescription MigratingQuery => new QueryDescription().WithAll<Page, Migrate>();

    public string Name { get; } = name;

    /// <summary>Stopwatch ticks of the last run.</summary>
    public long LastTicks { get; private set; }

    public sealed override void Update(in MigrateState state)
    {
        var t0 = Stopwatch.GetTimestamp();
        Run(state);
        LastTicks = Stopwatch.GetTimestamp() - t0;
    }

    protected abstract void Run(MigrateState s);

    /// <summary>
    /// A page gives up: its <c>Migrate</c> bit goes and its slot records the reason, the two facts every
    /// later phase, the driver's MIGRATE flags (<see cref="DriverFlags"/>) and restore are derived from.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fail(MigrateState s, Chunk chunk, int row, int slot, MigrateReason reason)
    {
        s.Outcome[slot] = reason;
        s.PendingRestore++;
        chunk.SetEnabled<Migrate>(row, false);
    }

    /// <summary>
    /// <see cref="Fail(MigrateState, Chunk, int, int, MigrateReason)"/> from a visitor with a tally: on cores, the page's bit
    /// (in a mask word its part owns) is cleared and the failure counted in the part's tally, applied after the parts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fail(MigrateState s, ref PartTally tally, Chunk chunk, int row, int slot, MigrateReason reason)
    {
        if (!tally.OnCores)
        {
            Fail(s, chunk, row, slot, reason);
            return;
        }
        s.Outcome[slot] = reason;
        tally.Failed++;
        chunk.GetEnabledMaskCountedByCaller<Migrate>()[row >> 6] &= ~(1UL << row);
    }
}
