using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

/// <summary>
/// One world's component types: maps process-wide type numbers to this world's ids (0..255) and
/// keeps each type's column operations. Unknown types register on first use as plain components.
/// </summary>
internal sealed class ComponentRegistry
{
    private int[] _idByNumber = [];
    private readonly ComponentType[] _types = new ComponentType[Signature.MaxComponents];
    private readonly ColumnOps?[] _ops = new ColumnOps?[Signature.MaxComponents];

    public int Count { get; private set; }

    public ComponentType this[int id] => _types[id];

    public ColumnOps Ops(int id)
    {
        return _ops[id]!;
    }

    /// <summary>This world's id of <typeparamref name="T"/>, registering it as a plain component if new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int IdOf<T>() where T : struct
    {
        var n = TypeNumber<T>.Value;
        var map = _idByNumber;
        if ((uint)n < (uint)map.Length)
        {
            var id = map[n];
            if (id >= 0)
            {
                return id;
            }
        }
        return Register<T>(false);
    }

    /// <summary>This world's id for a process-wide type number, or -1 when the world never saw it.</summary>
    public int TryIdOf(int typeNumber)
    {
        return (uint)typeNumber < (uint)_idByNumber.Length ? _idByNumber[typeNumber] : -1;
    }

    public int Register<T>(bool enableable) where T : struct
    {
        var n = TypeNumber<T>.Value;
        var existing = TryIdOf(n);
        if (existing >= 0)
        {
            if (enableable && !_types[existing].IsEnableable)
            {
                throw new InvalidOperationException($"{typeof(T).Name} is already in use as a plain component; register it as enableable before its first use.");
            }
            return existing;
        }
        if (enableable && !TypeNumber<T>.IsZeroSize)
        {
            throw new InvalidOperationException($"{typeof(T).Name} has fields; only zero-size tags can be enableable.");
        }
        if (Count == Signature.MaxComponents)
        {
            throw new InvalidOperationException($"A world holds at most {Signature.MaxComponents} component types.");
        }
        if (n >= _idByNumber.Length)
        {
            var grown = new int[Math.Max(n + 1, _idByNumber.Length * 2)];
            grown.AsSpan().Fill(-1);
            _idByNumber.CopyTo(grown, 0);
            _idByNumber = grown;
        }
        var id = Count++;
        _types[id] = new ComponentType(id, typeof(T), TypeNumber<T>.Size, enableable);
        _ops[id] = new ColumnOps<T>();
        _idByNumber[n] = id;
        return id;
    }
}
