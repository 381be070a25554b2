using System.Runtime.CompilerServices;
using HmmEcs.Components.Memory;
using HmmEcs.Devices.Frames;

namespace HmmEcs.Devices.Driver;

/// <summary>What the dummy driver does to each device page it hands out toward a device, in one walk or in parts on several cores.</summary>
internal static class DeviceDestination
{
    /// <summary>
    /// Readies device page <paramref name="id"/> as the destination of page <paramref name="srcId"/>: an allocated page,
    /// locked (gathered a mask word at a time), holding the source's stamp. Returns the source's frame, the copy's source
    /// in the engine's command.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Ready(PhysicalMemory memory, ref PageCursor srcPages, ref PageCursor dstPages, int id, int srcId)
    {
        ref var to = ref dstPages.At(id, out var row);
        to = Page.Free;
        to.Flags = PageFlags.Allocated;
        dstPages.Lock(row);
        dstPages.ContentOfRow(row) = srcPages.ContentAt(srcId);
        return srcId < memory.RamPages ? srcId : memory.FrameOf(srcId);
    }
}
