using HmmEcs.Components.Memory;
using HmmEcs.Engine;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using Xunit;

namespace HmmEcs.Tests.Hosting;

/// <summary>
/// A host system that keeps the call's context past the call: the call may have handed its outcome array to the
/// caller's result, so the context's outcomes read empty then, never another call's or out of range.
/// </summary>
public sealed class ContextAfterCallTests
{
    private sealed class Keeper(World world) : BaseSystem<MigrationContext>(world)
    {
        public MigrationContext? Kept { get; private set; }

        public int OutcomesDuring { get; private set; } = -1;

        public override void Update(in MigrationContext state)
        {
            Kept = state;
            OutcomesDuring = state.Outcomes.Length;
        }
    }

    [Fact]
    public void OutcomesReadEmptyAfterTheCallThatHandedThemOver()
    {
        using var m = new EcsMachine(new MachineConfig(4096, Devices: [new DeviceConfig("gpu0", 4096)]));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 2048, VmaKind.Anon, true, false);
        m.Touch("p", "buf", PageRange.All, Access.Write, 1, out _);
        var keeper = new Keeper(m.World);
        m.InsertSystem(MigrationPhase.Collect, Position.After, keeper);
        var result = new MigrateResult();
        m.Migrate(new MigrateRequest("p", "buf", PageRange.All, "gpu0"), result);
        Assert.Equal(2048, keeper.OutcomesDuring);
        Assert.Equal(2048, result.Migrated);
        var kept = keeper.Kept!.Value;
        Assert.Equal(2048, kept.Count);
        Assert.Equal(0, kept.Outcomes.Length);
        Assert.Equal(0, kept.InFlight);
    }
}
