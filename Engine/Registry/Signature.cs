using System.Numerics;
using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

/// <summary>
/// A set of a world's component ids (0..255) as a 256-bit value. Equality compares all bits, never
/// only a hash, so two archetypes can never be confused by a collision.
/// </summary>
public readonly struct Signature : IEquatable<Signature>
{
    /// <summary>The largest number of component types one world can register.</summary>
    public const int MaxComponents = 256;

    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private Signature(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>True when no bit is set.</summary>
    public bool IsEmpty => (_w0 | _w1 | _w2 | _w3) == 0;

    /// <summary>Number of component ids in the set.</summary>
    public int Count => BitOperations.PopCount(_w0) + BitOperations.PopCount(_w1) + BitOperations.PopCount(_w2) + BitOperations.PopCount(_w3);

    /// <summary>True when <paramref name="id"/> is in the set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Has(int id)
    {
        var word = (id >> 6) switch { 0 => _w0, 1 => _w1, 2 => _w2, _ => _w3 };
        return (word & (1UL << (id & 63))) != 0;
    }

    /// <summary>This set plus <paramref name="id"/>.</summary>
    public Signature With(int id)
    {
        var bit = 1UL << (id & 63);
        return (id >> 6) switch
        {
            0 => new Signature(_w0 | bit, _w1, _w2, _w3),
            1 => new Signature(_w0, _w1 | bit, _w2, _w3),
            2 => new Signature(_w0, _w1, _w2 | bit, _w3),
            _ => new Signature(_w0, _w1, _w2, _w3 | bit),
        };
    }

    /// <summary>This set minus <paramref name="id"/>.</summary>
    public Signature Without(int id)
    {
        var keep = ~(1UL << (id & 63));
        return (id >> 6) switch
        {
            0 => new Signature(_w0 & keep, _w1, _w2, _w3),
            1 => new Signature(_w0, _w1 & keep, _w2, _w3),
            2 => new Signature(_w0, _w1, _w2 & keep, _w3),
            _ => new Signature(_w0, _w1, _w2, _w3 & keep),
        };
    }

    /// <summary>True when every id of <paramref name="other"/> is in this set.</summary>
    public bool ContainsAll(in Signature other)
    {
        return (_w0 & other._w0) == other._w0 && (_w1 & other._w1) == other._w1
            && (_w2 & other._w2) == other._w2 && (_w3 & other._w3) == other._w3;
    }

    /// <summary>True when the sets share at least one id.</summary>
    public bool Intersects(in Signature other)
    {
        return ((_w0 & other._w0) | (_w1 & other._w1) | (_w2 & other._w2) | (_w3 & other._w3)) != 0;
    }

    /// <summary>Ids of the set in ascending order.</summary>
    public int[] ToIds()
    {
        var ids = new int[Count];
        var n = 0;
        for (var id = 0; id < MaxComponents; id++)
        {
            if (Has(id))
            {
                ids[n++] = id;
            }
        }
        return ids;
    }

    /// <inheritdoc/>
    public bool Equals(Signature other)
    {
        return _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj)
    {
        return obj is Signature other && Equals(other);
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        return HashCode.Combine(_w0, _w1, _w2, _w3);
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(Signature left, Signature right)
    {
        return left.Equals(right);
    }

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Signature left, Signature right)
    {
        return !left.Equals(right);
    }
}
