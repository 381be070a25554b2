namespace HmmEcs.Components.Devices;

/// <summary>A hot-plugged chunk of device memory (tags <c>Device</c>, <c>Unaddressable</c> when unaddressable).</summary>
public struct DeviceChunk
{
    /// <summary>Device index.</summary>
    public int Device;
    /// <summary>First device page number of the chunk.</summary>
    public int FirstPage;
    /// <summary>Pages in the chunk (the last chunk may be short).</summary>
    public int Pages;
    /// <summary>Free pages in the chunk.</summary>
    public int Free;
}
