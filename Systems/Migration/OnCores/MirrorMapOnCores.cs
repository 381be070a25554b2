using HmmEcs.Components.Migration;
using HmmEcs.Devices.Mirror;
using HmmEcs.Engine;
using HmmEcs.Systems.Kernel;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// dmirror's finalize for a large call on the machine's cores: the call's slots in ranges of
/// <see cref="HelperThreads.PartRows"/>, each mapped by <see cref="MemoryManager.MirrorMapSlots"/> (a slot's mirror entry is
/// its own; PTEs and generations are only read).
/// </summary>
internal sealed class MirrorMapOnCores(MemoryManager mm) : PartitionedWork
{
    private VmaInfo _vma = null!;
    private MirrorEntry[] _table = [];
    private MigrateReason[] _outcomes = [];
    private long _first;
    private int _partSlots;

    public void Run(VmaInfo vma, MirrorEntry[] table, long first, MigrateReason[] outcomes)
    {
        (_vma, _table, _first, _outcomes) = (vma, table, first, outcomes);
        _partSlots = Math.Max(64, mm.HelperThreads.PartRows);
        try
        {
            Run((outcomes.Length + _partSlots - 1) / _partSlots, mm.HelperThreads.Workers);
        }
        finally
        {
            (_vma, _table, _outcomes) = (null!, [], []);
        }
    }

    protected override void Work(int part)
    {
        var from = part * _partSlots;
        mm.MirrorMapSlots(_vma, _table, _first, _outcomes, from, Math.Min(_outcomes.Length, from + _partSlots));
    }
}
