using HmmEcs.Components.Migration;
using HmmEcs.Devices.Driver;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// The two walks over a large call's <c>src</c> array around the driver's alloc-and-copy, on the machine's cores in ranges
/// of <see cref="HelperThreads.PartRows"/> slots: deriving the MIGRATE flags from the outcomes before the driver
/// (<see cref="DriverFlags"/>) and counting the entries the driver kept after it. Both are reads and writes of a slot's own
/// entries, bound by memory (8 bytes a page), which two cores stream faster than one.
/// </summary>
internal sealed class SrcFlagsOnCores : PartitionedWork
{
    private MigrateState _s = null!;
    private int _partSlots;
    private bool _derive;
    private int[] _kept = [];

    /// <summary>Clears MIGRATE in <c>src</c> wherever the outcome holds a reason, as <see cref="DriverFlags.Derive"/> does.</summary>
    public void Derive(MigrateState s)
    {
        _derive = true;
        Walk(s);
    }

    /// <summary>The entries of <c>src</c> that still carry MIGRATE.</summary>
    public int CountMigrating(MigrateState s)
    {
        _derive = false;
        var parts = Walk(s);
        var n = 0;
        for (var p = 0; p < parts; p++)
        {
            n += _kept[p];
        }
        return n;
    }

    private int Walk(MigrateState s)
    {
        _s = s;
        _partSlots = Math.Max(64, s.Mm.HelperThreads.PartRows);
        var parts = (s.Count + _partSlots - 1) / _partSlots;
        if (_kept.Length < parts)
        {
            _kept = new int[parts];
        }
        try
        {
            Run(parts, s.Mm.HelperThreads.Workers);
        }
        finally
        {
            _s = null!;
        }
        return parts;
    }

    protected override void Work(int part)
    {
        var from = part * _partSlots;
        var length = Math.Min(_s.Count - from, _partSlots);
        if (!_derive)
        {
            _kept[part] = PfnArray.CountMigrating(_s.Src.AsSpan(from, length));
            return;
        }
        var src = _s.Src;
        foreach (var k in new SlotsWithReason(_s.Outcome.AsSpan(from, length)))
        {
            src[from + k] = src[from + k].Without(HmmPfn.Migrate);
        }
    }
}
