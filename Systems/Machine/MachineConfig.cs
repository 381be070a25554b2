using HmmEcs.Devices.Copy;

namespace HmmEcs.Systems.Machine;

/// <summary>How a page holds its content: one 64-bit stamp, or a page of real bytes.</summary>
public enum PayloadMode { Token, Bytes }

/// <summary>How a device's driver hands out destination pages (docs/scenarios.md <c>allocation</c>).</summary>
public enum DeviceAllocation { Page, Chunk }

/// <summary>A device of the simulated machine, with docs/scenarios.md's defaults.</summary>
public sealed record DeviceConfig(
    string Name,
    long Pages,
    int ChunkPages = DeviceConfig.DefaultChunkPages,
    DeviceAllocation Allocation = DeviceAllocation.Page,
    bool Addressable = false,
    bool Movable = true,
    int CopyEngines = CopyParams.DefaultEngines,
    double BandwidthGBps = CopyParams.DefaultBandwidthGBps,
    double LatencyUs = CopyParams.DefaultLatencyUs,
    int MaxBatchPages = CopyParams.DefaultMaxBatchPages,
    string? Owner = null)
{
    /// <summary>The device's <c>pgmap_owner</c> (mainline): its <see cref="Owner"/>, by default its own name. Devices may share one.</summary>
    public string OwnerName => Owner ?? Name;

    /// <summary>The default pages per device chunk.</summary>
    public const int DefaultChunkPages = 64;

    /// <summary>The device's copy-engine parameters.</summary>
    public CopyParams Copy => new(CopyEngines, BandwidthGBps, LatencyUs, MaxBatchPages);
}

/// <summary>The machine a scenario builds: RAM size, payload mode, seed, devices and the kernel it follows (<see cref="SemanticsProfile"/>).</summary>
public sealed record MachineConfig(
    long RamPages = 1_048_576,
    PayloadMode Payload = PayloadMode.Token,
    int Seed = 1,
    IReadOnlyList<DeviceConfig>? Devices = null,
    SemanticsProfile Profile = SemanticsProfile.V13)
{
    /// <summary>The devices, never null.</summary>
    public IReadOnlyList<DeviceConfig> DeviceList => Devices ?? [];

    /// <summary>
    /// A read fault on a hole of a private anonymous VMA maps the shared zero page (docs/model.md "The shared zero
    /// page"); off by default, so results of scenarios written before it stay as they were (the kernel always has it).
    /// </summary>
    public bool ZeroPage { get; init; }

    /// <summary>
    /// Swap-ins keep their page in the swap cache (docs/model.md "The swap cache"); off by default, so results of
    /// scenarios written before it stay as they were (the kernel always has one).
    /// </summary>
    public bool SwapCache { get; init; }

    /// <summary>
    /// Threads the ECS engine's migration helper may share a large call's pages over (0: one per core; 1: the calling
    /// thread only, for a host that keeps its other cores). Results are the same for every value; only time differs.
    /// </summary>
    public int HelperThreads { get; init; }

    /// <summary>
    /// Why device <paramref name="index"/> of <paramref name="devices"/> cannot take its name, or null: a name is
    /// given once, and <c>ram</c> (the migrate target for RAM), <c>hole</c>, <c>swap</c> and <c>zero</c> (keys beside the
    /// devices' under a verify's <c>resident</c>) are reserved. The scenario loader and the machine both ask here.
    /// </summary>
    public static string? DeviceNameProblem(IReadOnlyList<DeviceConfig> devices, int index)
    {
        var name = devices[index].Name;
        if (name == MigrateTargets.Ram)
        {
            return "\"ram\" is reserved for system RAM";
        }
        if (name is "hole" or "swap" or "zero")
        {
            return $"\"{name}\" is reserved: a verify reports resident.{name} beside the devices' counts";
        }
        for (var d = 0; d < index; d++)
        {
            if (devices[d].Name == name)
            {
                return $"duplicate device name '{name}'";
            }
        }
        return null;
    }

    /// <summary>
    /// Each device's owner number (mainline's <c>pgmap_owner</c>): the index of the first device with the same
    /// <see cref="DeviceConfig.OwnerName"/>, so devices that share an owner share a number.
    /// </summary>
    public int[] OwnerIds()
    {
        var list = DeviceList;
        var ids = new int[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            ids[i] = i;
            for (var j = 0; j < i; j++)
            {
                if (list[j].OwnerName == list[i].OwnerName)
                {
                    ids[i] = ids[j];
                    break;
                }
            }
        }
        return ids;
    }

    /// <summary>
    /// The pfn of device <paramref name="device"/>'s page 0: device pages follow RAM's frames, each device's after the
    /// one before it (the numbering of the three-call API's <see cref="MigratePfn"/> entries).
    /// </summary>
    public long DevicePfnBase(int device)
    {
        var pfn = RamPages;
        for (var d = 0; d < device; d++)
        {
            pfn += DeviceList[d].Pages;
        }
        return pfn;
    }

    /// <summary>Index of the device named <paramref name="name"/>, or -1 (also for <c>"ram"</c>).</summary>
    public int DeviceIndex(string name)
    {
        var list = DeviceList;
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Name == name)
            {
                return i;
            }
        }
        return -1;
    }
}
