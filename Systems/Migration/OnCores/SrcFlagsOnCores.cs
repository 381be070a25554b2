using HmmEcs.Components.Migration;
using HmmEcs.Devices.Driver;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// The two walks over a large call's <c>src</c> array around the driver's alloc-and-copy, on the machine's cores in ranges
/// of <see cref="HelperThreads.PartRows"/> slots: deriving the MIGRATE flags from the outcomes before the driver
/// (<see cref="DriverFlags"/>) and counting the entries the driver kept after it (<see cref="MigratingCountOnCores"/>).
/// Both touch only a slot's own entries and are bound by memory (8 bytes a page), which two cores stream faster than one.
/// </summary>
internal sealed class SrcFlagsOnCores : PartitionedWork
{
    private readonly MigratingCountOnCores _counter = new();
    private MigrateState _s = null!;
    private int _partSlots;

    /// <summary>Clears MIGRATE in <c>src</c> wherever the outcome holds a reason, as <see cref="DriverFlags.Derive"/> does.</summary>
    public void Derive(MigrateState s)
    {
        (_s, _partSlots) = (s, PartSlots(s));
        try
        {
            Run((s.Count + _partSlots - 1) / _partSlots, s.Mm.HelperThreads.Workers);
        }
        finally
        {
            _s = null!;
        }
    }

    /// <summary>The entries of <c>src</c> that still carry MIGRATE.</summary>
    public int CountMigrating(MigrateState s) =>
        _counter.Run(s.Src.AsSpan(0, s.Count), PartSlots(s), s.Mm.HelperThreads.Workers);

    private static int PartSlots(MigrateState s) => Math.Max(64, s.Mm.HelperThreads.PartRows);

    protected override void Work(int part)
    {
        var from = part * _partSlots;
        var src = _s.Src;
        foreach (var k in new SlotsWithReason(_s.Outcome.AsSpan(from, Math.Min(_s.Count - from, _partSlots))))
        {
            src[from + k] = src[from + k].Without(HmmPfn.Migrate);
        }
    }
}
