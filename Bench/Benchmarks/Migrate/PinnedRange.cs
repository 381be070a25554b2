using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;

namespace HmmEcs.Benchmarks.Migrate;

/// <summary>
/// The state every migrate benchmark starts from: process <c>p</c> with VMA <c>buf</c> of written anon pages,
/// every <c>pinEvery</c>-th pinned, on a fresh machine with one device <c>gpu0</c>.
/// </summary>
internal static class PinnedRange
{
    /// <summary>Builds the machine and the range (throws when a step fails: a benchmark must not time an error).</summary>
    public static IMachine Build(string engine, long pages, long ramPages, long devicePages, int pinEvery = 64, int helperThreads = 0)
    {
        var machine = MachineFactory.Create(engine, new MachineConfig(RamPages: ramPages, Devices: [new DeviceConfig("gpu0", devicePages)]) { HelperThreads = helperThreads });
        Expect(machine.CreateProcess("p"));
        Expect(machine.Mmap("p", "buf", pages, VmaKind.Anon, writable: true, thp: false));
        Expect(machine.Touch("p", "buf", PageRange.All, Access.Write, 1, out _));
        Expect(machine.Pin("p", "buf", PageRange.All, pinEvery, take: true, out _));
        return machine;
    }

    /// <summary>Throws unless <paramref name="e"/> is success.</summary>
    public static void Expect(Errno e)
    {
        if (e != Errno.None)
        {
            throw new InvalidOperationException($"benchmark step failed: {e}");
        }
    }
}
