using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>A device's memory: its pages (hot-plugged in chunks of <c>chunkPages</c>) and their allocator.</summary>
internal sealed class RefDevice(DeviceConfig config)
{
    public DeviceConfig Config { get; } = config;

    public RefFrameAllocator Allocator { get; } = new(config.Pages, Math.Max(1, config.ChunkPages));

    public RefPage?[] Pages { get; } = new RefPage?[config.Pages];
}
