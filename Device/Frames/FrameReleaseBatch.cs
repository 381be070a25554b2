using System.Runtime.CompilerServices;

namespace HmmEcs.Devices.Frames;

/// <summary>
/// Frees frames of one <see cref="FrameBitmap"/> a bitmap word at a time: frames added in ascending order (a phase
/// visiting pages by chunk row) gather in one word and are released together when the next frame falls in another
/// word, or at <see cref="Flush"/>. Frames in any order are still freed correctly, a word per change of word. A
/// concurrent batch (one per thread of a phase on two cores) releases its words atomically: two threads' frames may
/// share a word.
/// </summary>
public struct FrameReleaseBatch(FrameBitmap frames, bool concurrent = false)
{
    private int _word = -1;
    private ulong _bits;

    /// <summary>Frees <paramref name="frame"/> (at the latest at <see cref="Flush"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int frame)
    {
        var w = frame >> 6;
        if (w != _word)
        {
            Flush();
            _word = w;
        }
        _bits |= 1UL << frame;
    }

    /// <summary>Frees the frames gathered so far: call before anything reads the bitmap.</summary>
    public void Flush()
    {
        if (_bits != 0)
        {
            if (concurrent)
            {
                frames.ReleaseWordConcurrent(_word, _bits);
            }
            else
            {
                frames.ReleaseWord(_word, _bits);
            }
            _bits = 0;
        }
    }
}
