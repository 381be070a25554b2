using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using HmmEcs.Components.Migration;

namespace HmmEcs.Systems.Migration;

/// <summary>
/// The slots of a request whose outcome is a reason (anything but <see cref="MigrateReason.None"/>), in
/// slot order: 32 outcomes per vector compare, then the set bits by trailing-zero count, so a range
/// where few pages gave up costs a pass over its one-byte outcomes and nothing per migrating page.
/// </summary>
internal ref struct SlotsWithReason
{
    private const int Block = 32;
    private readonly ReadOnlySpan<byte> _outcomes;
    private int _block;
    private uint _bits;

    public SlotsWithReason(ReadOnlySpan<MigrateReason> outcomes)
    {
        _outcomes = MemoryMarshal.AsBytes(outcomes);
        _block = -Block;
    }

    /// <summary>The slot at the cursor.</summary>
    public int Current { get; private set; }

    public readonly SlotsWithReason GetEnumerator() => this;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MoveNext()
    {
        while (_bits == 0)
        {
            _block += Block;
            if (_block >= _outcomes.Length)
            {
                return false;
            }
            _bits = ReasonBits(_block);
        }
        Current = _block + BitOperations.TrailingZeroCount(_bits);
        _bits &= _bits - 1;
        return true;
    }

    /// <summary>Bit <c>k</c> set when slot <c>start + k</c> has a reason.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly uint ReasonBits(int start)
    {
        if (Vector256.IsHardwareAccelerated && start + Block <= _outcomes.Length)
        {
            var v = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_outcomes), (nuint)start);
            return ~Vector256.Equals(v, Vector256<byte>.Zero).ExtractMostSignificantBits();
        }
        var bits = 0u;
        var end = Math.Min(start + Block, _outcomes.Length);
        for (var k = start; k < end; k++)
        {
            bits |= (_outcomes[k] != 0 ? 1u : 0u) << (k - start);
        }
        return bits;
    }
}
