using System.Runtime.CompilerServices;
using HmmEcs.Components.Paging;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Kernel;

internal sealed partial class MemoryManager
{
    /// <summary>
    /// Reads pages <c>first..first+count</c> of a VMA without faulting, streaming its PTE rows and the
    /// pages they map through cursors; huge PMDs, swap entries and holes take <see cref="Read"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void ReadRange<TSink>(VmaInfo vma, long first, long count, ref TSink sink)
        where TSink : IPageViewSink, allows ref struct
    {
        var ptes = new EntityCursor<Pte>(Ptes);
        var pages = new PageCursor(Memory);
        var ramPages = Memory.RamPages;
        for (var i = first; i < first + count; i++)
        {
            if (vma.Huge is not null && vma.HasHuge(i))
            {
                sink.Take(i, Read(vma, i));
                continue;
            }
            ref var pte = ref ptes.At(vma.FirstPte + i);
            if (pte.Kind is PteKind.Present or PteKind.DevicePrivate)
            {
                var id = pte.Target;
                ref var stored = ref pages.ContentAt(id);
                var device = id < ramPages ? -1 : Memory.DeviceOf(id);
                var content = Memory.BytesPayload ? Memory.ContentOf(stored) : stored.Value;
                sink.Take(i, new PageView(device < 0 ? Residence.Ram : Residence.Device, device, content, pte.Writable));
                continue;
            }
            sink.Take(i, Read(vma, i));
        }
    }
}
