using HmmEcs.Devices.Copy;

namespace HmmEcs.Devices.Memory;

/// <summary>What a device is: size, hot-plug chunk size, allocation rule, addressability, movability, copy engine.</summary>
public sealed record DeviceSpec(
    string Name,
    long Pages,
    int ChunkPages,
    bool ChunkAllocation,
    bool Addressable,
    bool Movable,
    CopyParams Copy);
