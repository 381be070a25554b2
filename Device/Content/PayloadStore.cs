using HmmEcs.Components.Memory;
namespace HmmEcs.Devices.Content;

/// <summary>
/// 4096-byte payloads for <c>bytes</c> mode, handed out in slots only to pages that hold non-zero
/// content (a page without a slot reads as zero). Slabs grow on demand; freed slots are reused.
/// </summary>
public sealed class PayloadStore
{
    private const int SlabPages = 256;
    private readonly List<byte[]> _slabs = [];
    private readonly Stack<int> _free = new();
    private int _next;

    /// <summary>Slots in use.</summary>
    public int InUse => _next - _free.Count;

    /// <summary>A fresh slot (contents undefined).</summary>
    public int Allocate()
    {
        if (_free.Count > 0)
        {
            return _free.Pop();
        }
        if (_next == _slabs.Count * SlabPages)
        {
            _slabs.Add(new byte[SlabPages * PageGeometry.PageBytes]);
        }
        return _next++;
    }

    /// <summary>Gives a slot back.</summary>
    public void Release(int slot) => _free.Push(slot);

    /// <summary>The 4096 bytes of <paramref name="slot"/>.</summary>
    public Span<byte> Bytes(int slot) => _slabs[slot / SlabPages].AsSpan(slot % SlabPages * PageGeometry.PageBytes, PageGeometry.PageBytes);

    /// <summary>Slots from <paramref name="slot"/> to the end of its slab: the longest run <see cref="Bytes(int, int)"/> takes.</summary>
    public static int SlotsToSlabEnd(int slot) => SlabPages - slot % SlabPages;

    /// <summary>
    /// The bytes of <paramref name="count"/> consecutive slots from <paramref name="slot"/>, all in one
    /// slab (<paramref name="count"/> at most <see cref="SlotsToSlabEnd"/>): lets a copier move a run of
    /// pages in one memcpy. Safe to call from several threads while no slot is being allocated.
    /// </summary>
    public Span<byte> Bytes(int slot, int count) => _slabs[slot / SlabPages].AsSpan(slot % SlabPages * PageGeometry.PageBytes, count * PageGeometry.PageBytes);
}
