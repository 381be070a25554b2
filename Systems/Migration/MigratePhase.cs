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

    /// <summary>A page gives up: it loses MIGRATE and <c>Migrate</c>, records its reason, and waits for restore.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fail(MigrateState s, Chunk chunk, int row, int slot, MigrateReason reason)
    {
        s.Src[slot] = s.Src[slot].Without(HmmPfn.Migrate);
        s.Outcome[slot] = reason;
        chunk.SetEnabled<Migrate>(row, false);
        s.InFlight--;
    }
}
