using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Tests.Differential;

namespace HmmEcs.Tests.ThreeCall;

/// <summary>A small mainline machine with every kind of page the collect meets, and the three calls driven as a host would.</summary>
internal static class ThreeCallRig
{
    public static IMachine Machine(string engine, SemanticsProfile profile = SemanticsProfile.Mainline, long gpu0Pages = 160)
    {
        var m = MachineFactory.Create(engine, new MachineConfig(4096, Devices:
        [
            new DeviceConfig("gpu0", gpu0Pages),
            new DeviceConfig("gpu1", 1024, ChunkPages: 32, Allocation: DeviceAllocation.Chunk),
            new DeviceConfig("cxl", 512, Addressable: true),
        ], Profile: profile));
        m.CreateProcess("p");
        m.Mmap("p", "a", 300, VmaKind.Anon, true, false);
        m.Mmap("p", "f", 40, VmaKind.File, true, false);
        m.Touch("p", "a", new PageRange(0, 250), Access.Write, 7, out _);
        m.Touch("p", "f", PageRange.All, Access.Write, 8, out _);
        m.Pin("p", "a", new PageRange(0, 250), 13, true, out _);
        m.Lock("p", "a", new PageRange(5, 200), 17, true, out _);
        m.SwapOut("p", "a", new PageRange(100, 50), 9, out _);
        m.Fork("p", "c");
        m.Touch("c", "a", new PageRange(200, 20), Access.Write, 9, out _);
        return m;
    }

    /// <summary>The migrate steps both ways of calling run: to a page device (it fills up), to a chunk device, to coherent memory, back.</summary>
    public static readonly MigrateVma[] Calls =
    [
        new("p", "a", 0, 300, "gpu0"),
        new("p", "f", 0, 40, "gpu0"),
        new("p", "a", 0, 300, "gpu1", MigrateSelect.System | MigrateSelect.DevicePrivate),
        new("c", "a", 190, 230, "cxl"),
        new("p", "a", 64, 300, MigrateTargets.Ram),
        new("c", "a", 0, 300, MigrateTargets.Ram),
    ];

    /// <summary>The three calls with the simulator's driver taking every page setup offers, as the one-call migrate does.</summary>
    public static Errno ThreeCalls(IMachine m, MigrateVma args, MigrateResult result)
    {
        var src = new ulong[args.NPages];
        var dst = new ulong[args.NPages];
        var err = m.MigrateVmaSetup(args, src, dst);
        if (err != Errno.None)
        {
            return err;
        }
        m.MigrateVmaAllocAndCopy(args, src, dst);
        m.MigrateVmaPages(args, src, dst);
        return m.MigrateVmaFinalize(args, src, dst, result);
    }

    /// <summary>Everything a host can read: every page of every VMA, the stats, the checker's violations.</summary>
    public static string State(IMachine m)
    {
        var parts = new List<string>();
        foreach (var (proc, vma, pages) in new[] { ("p", "a", 300), ("p", "f", 40), ("c", "a", 300), ("c", "f", 40) })
        {
            var views = new PageView[pages];
            m.Inspect(proc, vma, 0, views);
            parts.Add(Canonical.Of(views));
        }
        parts.Add(Canonical.Of(m.Stats()));
        parts.Add(string.Join(';', m.Check().Details));
        return string.Join('\n', parts);
    }
}
