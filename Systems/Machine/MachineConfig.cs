using HmmEcs.Devices.Copy;

namespace HmmEcs.Systems.Machine;

/// <summary>How a page holds its content: one 64-bit stamp, or a page of real bytes.</summary>
public enum PayloadMode { Token, Bytes }

/// <summary>How a device's driver hands out destination pages (SCENARIOS.md <c>allocation</c>).</summary>
public enum DeviceAllocation { Page, Chunk }

/// <summary>A device of the simulated machine, with SCENARIOS.md's defaults.</summary>
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
    int MaxBatchPages = CopyParams.DefaultMaxBatchPages)
{
    /// <summary>The default pages per device chunk.</summary>
    public const int DefaultChunkPages = 64;

    /// <summary>The device's copy-engine parameters.</summary>
    public CopyParams Copy => new(CopyEngines, BandwidthGBps, LatencyUs, MaxBatchPages);
}

/// <summary>The machine a scenario builds: RAM size, payload mode, seed and devices.</summary>
public sealed record MachineConfig(
    long RamPages = 1_048_576,
    PayloadMode Payload = PayloadMode.Token,
    int Seed = 1,
    IReadOnlyList<DeviceConfig>? Devices = null)
{
    /// <summary>The devices, never null.</summary>
    public IReadOnlyList<DeviceConfig> DeviceList => Devices ?? [];

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
