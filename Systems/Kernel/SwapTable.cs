namespace HmmEcs.Systems.Kernel;

/// <summary>
/// Swap slots without a size limit: each keeps the content, the count of entries referencing it and, with a swap
/// cache, the page cached for it (a slot lives while either remains).
/// </summary>
internal sealed class SwapTable
{
    private readonly List<SwapSlot> _slots = [];
    private readonly Stack<int> _free = new();

    public int Live => _slots.Count - _free.Count;

    public int Add(ulong content, int payload)
    {
        var slot = new SwapSlot { Content = content, Payload = payload, Count = 1, Cached = -1 };
        if (_free.Count > 0)
        {
            var s = _free.Pop();
            _slots[s] = slot;
            return s;
        }
        _slots.Add(slot);
        return _slots.Count - 1;
    }

    public ref SwapSlot this[int slot] => ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_slots)[slot];

    public int Capacity => _slots.Count;

    public void Free(int slot)
    {
        _slots[slot] = new SwapSlot { Payload = -1, Count = 0, Cached = -1 };
        _free.Push(slot);
    }
}

/// <summary>One swap slot.</summary>
internal struct SwapSlot
{
    public ulong Content;
    public int Payload;
    public int Count;
    /// <summary>The page in the swap cache for this slot, or -1 (machines with <c>ram.swapCache</c>).</summary>
    public int Cached;
}
