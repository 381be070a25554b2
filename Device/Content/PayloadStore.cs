namespace HmmEcs.Device.Content;

/// <summary>
/// 4096-byte payloads for <c>bytes</c> mode, handed out in slots only to pages that hold non-zero
/// content (a page without a slot reads as zero). Slabs grow on demand; freed slots are reused.
/// </summary>
public sealed class PayloadStore
{
    private const int PageBytes = 4096;
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
            _slabs.Add(new byte[SlabPages * PageBytes]);
        }
        return _next++;
    }

    /// <summary>Gives a slot back.</summary>
    public void Release(int slot) => _free.Push(slot);

    /// <summary>The 4096 bytes of <paramref name="slot"/>.</summary>
    public Span<byte> Bytes(int slot) => _slabs[slot / SlabPages].AsSpan(slot % SlabPages * PageBytes, PageBytes);
}
