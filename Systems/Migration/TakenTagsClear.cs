using System.Numerics;
using System.Runtime.CompilerServices;
using HmmEcs.Components.Tags;
using HmmEcs.Engine;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// Clears the <c>Locked</c> and <c>Migrate</c> bits that collect set on pages leaving a migration, gathered a mask word
/// at a time: a small request's pages mostly share a chunk and run on in rows, so one store per word and tag replaces a
/// flip per row (as the bulk clear of a large request does 64 rows per store). Counts drop by the bits that were set.
/// Call <see cref="Flush"/> before anything reads those tags or counts.
/// </summary>
internal struct TakenTagsClear
{
    private Chunk? _chunk;
    private int _word;
    private ulong _bits;

    /// <summary>
    /// Clears the tags of <paramref name="row"/> of <paramref name="chunk"/> (stored when another word comes, or at
    /// <see cref="Flush"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Clear(Chunk chunk, int row)
    {
        var word = row >> 6;
        if (chunk != _chunk || word != _word)
        {
            Flush();
            _chunk = chunk;
            _word = word;
        }
        _bits |= 1UL << row;
    }

    /// <summary>Stores the gathered word.</summary>
    public void Flush()
    {
        if (_bits == 0)
        {
            return;
        }
        ref var locked = ref _chunk!.GetEnabledMaskCountedByCaller<Locked>()[_word];
        _chunk.AdjustEnabledCount<Locked>(-BitOperations.PopCount(locked & _bits));
        locked &= ~_bits;
        ref var migrate = ref _chunk.GetEnabledMaskCountedByCaller<Migrate>()[_word];
        _chunk.AdjustEnabledCount<Migrate>(-BitOperations.PopCount(migrate & _bits));
        migrate &= ~_bits;
        _bits = 0;
    }
}
