using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace HmmEcs.Devices.Frames;

/// <summary>
/// Lowest-free-first allocator over <c>n</c> frames (a bit per frame, set = used), with 512-aligned
/// runs for huge pages. Used for RAM frames and for the pages of a device.
/// </summary>
public sealed class FrameBitmap
{
    private readonly ulong[] _used;
    private int _hintWord;
    private long _usedCount;

    /// <summary>An allocator of <paramref name="frames"/> free frames.</summary>
    public FrameBitmap(long frames)
    {
        Frames = frames;
        _used = new ulong[(frames + 63) / 64];
        var tail = (int)(frames % 64);
        if (tail != 0)
        {
            _used[^1] = ~0UL << tail;
        }
    }

    /// <summary>Frames managed.</summary>
    public long Frames { get; }

    /// <summary>Frames allocated.</summary>
    public long Used => _usedCount;

    /// <summary>Frames free.</summary>
    public long Free => Frames - Used;

    /// <summary>True when <paramref name="frame"/> is allocated.</summary>
    public bool IsUsed(long frame) => (_used[frame >> 6] & (1UL << (int)(frame & 63))) != 0;

    /// <summary>The lowest free frame, taken; -1 when full.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Allocate()
    {
        for (var w = _hintWord; w < _used.Length; w++)
        {
            var word = _used[w];
            if (word != ~0UL)
            {
                var bit = BitOperations.TrailingZeroCount(~word);
                _used[w] = word | (1UL << bit);
                _hintWord = w;
                _usedCount++;
                return ((long)w << 6) + bit;
            }
        }
        _hintWord = _used.Length;
        return -1;
    }

    /// <summary>
    /// Takes the lowest free frames, up to <c>into.Length</c>, in ascending order (the same frames as
    /// that many <see cref="Allocate"/> calls, a word at a time); returns how many it took.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int AllocateLowest(Span<long> into)
    {
        var n = 0;
        var w = _hintWord;
        for (; w < _used.Length && n < into.Length; w++)
        {
            var word = _used[w];
            if (word == ~0UL)
            {
                continue;
            }
            var baseFrame = (long)w << 6;
            if (word == 0 && into.Length - n >= 64)
            {
                // A wholly free word (most of a fresh device's): its 64 frames in one vector fill.
                FillAscending(into.Slice(n, 64), baseFrame);
                n += 64;
                _used[w] = ~0UL;
                continue;
            }
            var free = ~word;
            while (free != 0 && n < into.Length)
            {
                var bit = BitOperations.TrailingZeroCount(free);
                into[n++] = baseFrame + bit;
                word |= 1UL << bit;
                free &= free - 1;
            }
            _used[w] = word;
        }
        _hintWord = Math.Max(_hintWord, w == 0 ? 0 : w - 1);
        _usedCount += n;
        return n;
    }

    /// <summary>Writes <c>first, first + 1, …</c> into <paramref name="into"/>.</summary>
    private static void FillAscending(Span<long> into, long first)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var step = Vector256.Create((long)Vector256<long>.Count);
            var v = Vector256.Create(first) + Vector256.Create(0L, 1L, 2L, 3L);
            for (; i + Vector256<long>.Count <= into.Length; i += Vector256<long>.Count)
            {
                v.CopyTo(into[i..]);
                v += step;
            }
        }
        for (; i < into.Length; i++)
        {
            into[i] = first + i;
        }
    }

    /// <summary>First frame of the lowest free <paramref name="alignment"/>-aligned run of that many frames, -1 when none (not taken).</summary>
    public long FindAlignedRun(int alignment)
    {
        var wordsPerRun = alignment / 64;
        for (long start = 0; start + alignment <= Frames; start += alignment)
        {
            var w0 = (int)(start >> 6);
            var free = true;
            for (var k = 0; k < wordsPerRun; k++)
            {
                if (_used[w0 + k] != 0)
                {
                    free = false;
                    break;
                }
            }
            if (free)
            {
                return start;
            }
        }
        return -1;
    }

    /// <summary>Takes <paramref name="count"/> frames from <paramref name="first"/> (all must be free).</summary>
    public void Take(long first, long count)
    {
        for (var f = first; f < first + count; f++)
        {
            Take(f);
        }
    }

    /// <summary>Takes one free frame.</summary>
    public void Take(long frame)
    {
        ref var word = ref _used[frame >> 6];
        var bit = 1UL << (int)(frame & 63);
        if ((word & bit) != 0)
        {
            throw new InvalidOperationException($"frame {frame} is already in use");
        }
        word |= bit;
        _usedCount++;
    }

    /// <summary>Gives a frame back.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Release(long frame)
    {
        ref var word = ref _used[frame >> 6];
        var bit = 1UL << (int)(frame & 63);
        if ((word & bit) == 0)
        {
            ThrowAlreadyFree(frame);
        }
        word &= ~bit;
        _usedCount--;
        _hintWord = Math.Min(_hintWord, (int)(frame >> 6));
    }

    /// <summary>
    /// Frees the frames of bitmap word <paramref name="word"/> (frames <c>64 * word</c> on) whose bits are set in
    /// <paramref name="bits"/>: one read-modify-write for up to 64 frames, as that many <see cref="Release"/> calls.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ReleaseWord(int word, ulong bits)
    {
        ref var used = ref _used[word];
        if ((used & bits) != bits)
        {
            ThrowAlreadyFree(((long)word << 6) + BitOperations.TrailingZeroCount(bits & ~used));
        }
        used &= ~bits;
        _usedCount -= BitOperations.PopCount(bits);
        _hintWord = Math.Min(_hintWord, word);
    }

    /// <summary>
    /// <see cref="ReleaseWord"/> for threads that free frames of the same bitmap at once (a phase on two cores): the
    /// word, the count and the search hint are updated atomically, at the price of three interlocked operations per word.
    /// </summary>
    public void ReleaseWordConcurrent(int word, ulong bits)
    {
        var before = Interlocked.And(ref _used[word], ~bits);
        if ((before & bits) != bits)
        {
            ThrowAlreadyFree(((long)word << 6) + BitOperations.TrailingZeroCount(bits & ~before));
        }
        Interlocked.Add(ref _usedCount, -BitOperations.PopCount(bits));
        var hint = Volatile.Read(ref _hintWord);
        while (word < hint)
        {
            var seen = Interlocked.CompareExchange(ref _hintWord, word, hint);
            if (seen == hint)
            {
                break;
            }
            hint = seen;
        }
    }

    // Kept out of line so Release stays small enough to inline into the per-page loops.
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowAlreadyFree(long frame) => throw new InvalidOperationException($"frame {frame} is already free");
}
