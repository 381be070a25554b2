using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Tests.Differential;

namespace HmmEcs.Tests.ThreeCall;

/// <summary>
/// Mainline's CPU fault on a device-private page: do_swap_page locks the page and takes a reference, then calls the
/// driver's migrate_to_ram with <c>migrate_vma.fault_page</c> set, so the collect does not trylock it again and the
/// check expects that reference. Under v13 the fault path holds nothing and the helper takes the page as any other.
/// </summary>
public class FaultPageTests
{
    private sealed class Observer : ISystem<MigrationContext>
    {
        private static readonly QueryDescription LockedPages = new QueryDescription().WithAll<Page, Locked>();

        public List<int> LockedBeforeCollect { get; } = [];

        public void Initialize()
        {
        }

        public void BeforeUpdate(in MigrationContext state)
        {
        }

        public void Update(in MigrationContext state) => LockedBeforeCollect.Add(state.World.CountEntities(LockedPages));

        public void AfterUpdate(in MigrationContext state)
        {
        }

        public void Dispose()
        {
        }
    }

    private sealed class InFlightAfterCheck : ISystem<MigrationContext>
    {
        public List<int> InFlight { get; } = [];

        public void Initialize()
        {
        }

        public void BeforeUpdate(in MigrationContext state)
        {
        }

        public void Update(in MigrationContext state) => InFlight.Add(state.InFlight);

        public void AfterUpdate(in MigrationContext state)
        {
        }

        public void Dispose()
        {
        }
    }

    private static IMachine Machine(string engine, SemanticsProfile profile)
    {
        var m = MachineFactory.Create(engine, new MachineConfig(1024, Devices: [new DeviceConfig("gpu0", 64)], Profile: profile));
        m.CreateProcess("p");
        m.Mmap("p", "a", 8, VmaKind.Anon, true, false);
        m.Touch("p", "a", PageRange.All, Access.Write, 3, out _);
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest("p", "a", PageRange.All, "gpu0"), new MigrateResult()));
        m.Fork("p", "c");
        return m;
    }

    [Theory]
    [InlineData(SemanticsProfile.Mainline, 1)]
    [InlineData(SemanticsProfile.V13, 0)]
    public void TheFaultingPageIsLockedByTheFaultPathAndStillMigrates(SemanticsProfile profile, int lockedByTheFault)
    {
        using var m = (EcsMachine)Machine("ecs", profile);
        var beforeCollect = new Observer();
        var afterCheck = new InFlightAfterCheck();
        m.InsertSystem(MigrationPhase.Collect, Position.Before, beforeCollect);
        m.InsertSystem(MigrationPhase.LockAndIsolate, Position.After, afterCheck);
        Assert.Equal(Errno.None, m.Touch("c", "a", new PageRange(3, 2), Access.Read, 0, out var faults));
        Assert.Equal(2, faults.Device);
        // Mainline: the faulting page is locked (and referenced) before the helper runs; it passes collect's trylock and
        // the check's reference count all the same, as fault_page.
        Assert.Equal([lockedByTheFault, lockedByTheFault], beforeCollect.LockedBeforeCollect);
        Assert.Equal([1, 1], afterCheck.InFlight);
        var verify = new VerifyResult();
        m.Verify("p", "a", PageRange.All, VerifyPattern.Seq, 3, verify);
        Assert.Equal((0L, 2L, 6L), (verify.Mismatches, verify.Ram, verify.Device[0]));
        Assert.Empty(m.Check().Details);
        Assert.Equal(0, m.Stats().Locked);
    }

    [Fact]
    public void BothEnginesEndTheFaultAlike()
    {
        var states = new List<string>();
        foreach (var engine in new[] { "ecs", "reference" })
        {
            using var m = Machine(engine, SemanticsProfile.Mainline);
            Assert.Equal(Errno.None, m.Touch("c", "a", new PageRange(3, 2), Access.Write, 5, out var faults));
            Assert.Equal(2, faults.Device);
            var views = new PageView[8];
            m.Inspect("c", "a", 0, views);
            Assert.Empty(m.Check().Details);
            states.Add(Canonical.Of(views) + Canonical.Of(m.Stats()));
        }
        Assert.Equal(states[0], states[1]);
    }
}
