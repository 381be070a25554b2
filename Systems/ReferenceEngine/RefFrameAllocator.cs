namespace HmmEcs.Systems.ReferenceEngine;

/// <summary>
/// Frames (RAM) or device pages numbered from 0, handed out lowest free first, with per-block
/// counts so a whole free aligned block (a 512-frame huge page, a device chunk) is found quickly.
/// </summary>
internal sealed class RefFrameAllocator
{
    private readonly ulong[] _used;
    private readonly int[] _blockUsed;
    private long _wordHint;
    private long _blockHint;

    /// <summary>An allocator of <paramref name="size"/> frames in blocks of <paramref name="blockSize"/>.</summary>
    public RefFrameAllocator(long size, int blockSize)
    {
        Size = size;
        BlockSize = blockSize;
        _used = new ulong[(size + 63) / 64];
        _blockUsed = new int[(size + blockSize - 1) / blockSize];
    }

    public long Size { get; }

    public int BlockSize { get; }

    public long Used { get; private set; }

    public long Free => Size - Used;

    public bool IsUsed(long frame) => (_used[frame >> 6] & (1UL << (int)(frame & 63))) != 0;

    /// <summary>The lowest free frame, now allocated; -1 when full.</summary>
    public long AllocLowest()
    {
        for (var w = _wordHint; w < _used.Length; w++)
        {
            if (_used[w] == ulong.MaxValue)
            {
                continue;
            }
            var bit = System.Numerics.BitOperations.TrailingZeroCount(~_used[w]);
            var frame = w * 64 + bit;
            if (frame >= Size)
            {
                break;
            }
            _wordHint = w;
            Take(frame);
            return frame;
        }
        _wordHint = _used.Length;
        return -1;
    }

    /// <summary>
    /// The lowest block that is wholly free and at least <paramref name="pages"/> long (the device's
    /// short last block counts when it is long enough); its first <paramref name="pages"/> frames are
    /// now allocated. Returns its first frame or -1.
    /// </summary>
    public long AllocBlock(long pages)
    {
        var blocks = _blockUsed.Length;
        // Blocks below the hint all hold a used frame; only the short last block can be free and skipped.
        for (var b = _blockHint; b < blocks; b++)
        {
            var first = (long)b * BlockSize;
            var length = Math.Min(BlockSize, Size - first);
            if (_blockUsed[b] != 0 || length < pages)
            {
                continue;
            }
            for (var f = first; f < first + pages; f++)
            {
                Take(f);
            }
            _blockHint = b;
            return first;
        }
        return -1;
    }

    /// <summary>The lowest whole free full-length block (a 512-frame huge page), all of it now allocated; its first frame or -1.</summary>
    public long AllocBlock() => AllocBlock(BlockSize);

    /// <summary>The lowest free <paramref name="pages"/>-aligned run of that many frames, now allocated; its first frame or -1 (a PMD-sized folio).</summary>
    public long AllocAlignedRun(int pages)
    {
        for (long start = 0; start + pages <= Size; start += pages)
        {
            var free = true;
            for (var f = start; f < start + pages && free; f++)
            {
                free = !IsUsed(f);
            }
            if (free)
            {
                for (var f = start; f < start + pages; f++)
                {
                    Take(f);
                }
                return start;
            }
        }
        return -1;
    }

    public void Release(long frame)
    {
        var w = frame >> 6;
        var mask = 1UL << (int)(frame & 63);
        if ((_used[w] & mask) == 0)
        {
            throw new InvalidOperationException($"frame {frame} freed twice");
        }
        _used[w] &= ~mask;
        Used--;
        if (w < _wordHint)
        {
            _wordHint = w;
        }
        var b = frame / BlockSize;
        if (--_blockUsed[b] == 0 && b < _blockHint)
        {
            _blockHint = b;
        }
    }

    private void Take(long frame)
    {
        var w = frame >> 6;
        var mask = 1UL << (int)(frame & 63);
        if ((_used[w] & mask) != 0)
        {
            throw new InvalidOperationException($"frame {frame} allocated twice");
        }
        _used[w] |= mask;
        Used++;
        _blockUsed[frame / BlockSize]++;
    }
}
