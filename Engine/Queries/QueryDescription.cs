namespace HmmEcs.Engine;

/// <summary>
/// What a query selects: component types it needs all of, any of, none of, or exactly. A plain
/// value with value equality (the types compared element by element, not by hash), so it can be
/// kept in a static readonly field and used with any world; each world caches its
/// <see cref="Query"/> per description.
/// </summary>
public readonly struct QueryDescription : IEquatable<QueryDescription>
{
    private readonly int[]? _all;
    private readonly int[]? _any;
    private readonly int[]? _none;
    private readonly int[]? _exclusive;
    private readonly int _hash;

    private QueryDescription(int[]? all, int[]? any, int[]? none, int[]? exclusive)
    {
        _all = all;
        _any = any;
        _none = none;
        _exclusive = exclusive;
        _hash = Hash(all, 1) ^ Hash(any, 2) ^ Hash(none, 3) ^ Hash(exclusive, 4);
    }

    /// <summary>Process-wide type numbers every matched entity must have.</summary>
    internal ReadOnlySpan<int> All => _all;

    /// <summary>Type numbers of which a matched entity must have at least one (when any are given).</summary>
    internal ReadOnlySpan<int> Any => _any;

    /// <summary>Type numbers a matched entity must lack.</summary>
    internal ReadOnlySpan<int> None => _none;

    /// <summary>The exact type numbers of a matched archetype (when given).</summary>
    internal ReadOnlySpan<int> Exclusive => _exclusive;

    /// <summary>Entities must have all of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithAll<T0>() where T0 : struct
    {
        return new QueryDescription(Merge(_all, [TypeNumber<T0>.Value]), _any, _none, _exclusive);
    }

    /// <summary>Entities must have all of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithAll<T0, T1>() where T0 : struct where T1 : struct
    {
        return new QueryDescription(Merge(_all, [TypeNumber<T0>.Value, TypeNumber<T1>.Value]), _any, _none, _exclusive);
    }

    /// <summary>Entities must have all of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithAll<T0, T1, T2>() where T0 : struct where T1 : struct where T2 : struct
    {
        return new QueryDescription(Merge(_all, [TypeNumber<T0>.Value, TypeNumber<T1>.Value, TypeNumber<T2>.Value]), _any, _none, _exclusive);
    }

    /// <summary>Entities must have all of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithAll<T0, T1, T2, T3>() where T0 : struct where T1 : struct where T2 : struct where T3 : struct
    {
        return new QueryDescription(Merge(_all, [TypeNumber<T0>.Value, TypeNumber<T1>.Value, TypeNumber<T2>.Value, TypeNumber<T3>.Value]), _any, _none, _exclusive);
    }

    /// <summary>Entities must have at least one of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithAny<T0>() where T0 : struct
    {
        return new QueryDescription(_all, Merge(_any, [TypeNumber<T0>.Value]), _none, _exclusive);
    }

    /// <summary>Entities must have at least one of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithAny<T0, T1>() where T0 : struct where T1 : struct
    {
        return new QueryDescription(_all, Merge(_any, [TypeNumber<T0>.Value, TypeNumber<T1>.Value]), _none, _exclusive);
    }

    /// <summary>Entities must have at least one of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithAny<T0, T1, T2>() where T0 : struct where T1 : struct where T2 : struct
    {
        return new QueryDescription(_all, Merge(_any, [TypeNumber<T0>.Value, TypeNumber<T1>.Value, TypeNumber<T2>.Value]), _none, _exclusive);
    }

    /// <summary>Entities must have at least one of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithAny<T0, T1, T2, T3>() where T0 : struct where T1 : struct where T2 : struct where T3 : struct
    {
        return new QueryDescription(_all, Merge(_any, [TypeNumber<T0>.Value, TypeNumber<T1>.Value, TypeNumber<T2>.Value, TypeNumber<T3>.Value]), _none, _exclusive);
    }

    /// <summary>Entities must have none of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithNone<T0>() where T0 : struct
    {
        return new QueryDescription(_all, _any, Merge(_none, [TypeNumber<T0>.Value]), _exclusive);
    }

    /// <summary>Entities must have none of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithNone<T0, T1>() where T0 : struct where T1 : struct
    {
        return new QueryDescription(_all, _any, Merge(_none, [TypeNumber<T0>.Value, TypeNumber<T1>.Value]), _exclusive);
    }

    /// <summary>Entities must have none of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithNone<T0, T1, T2>() where T0 : struct where T1 : struct where T2 : struct
    {
        return new QueryDescription(_all, _any, Merge(_none, [TypeNumber<T0>.Value, TypeNumber<T1>.Value, TypeNumber<T2>.Value]), _exclusive);
    }

    /// <summary>Entities must have none of the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithNone<T0, T1, T2, T3>() where T0 : struct where T1 : struct where T2 : struct where T3 : struct
    {
        return new QueryDescription(_all, _any, Merge(_none, [TypeNumber<T0>.Value, TypeNumber<T1>.Value, TypeNumber<T2>.Value, TypeNumber<T3>.Value]), _exclusive);
    }

    /// <summary>Entities must have exactly the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithExclusive<T0>() where T0 : struct
    {
        return new QueryDescription(_all, _any, _none, Merge(_exclusive, [TypeNumber<T0>.Value]));
    }

    /// <summary>Entities must have exactly the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithExclusive<T0, T1>() where T0 : struct where T1 : struct
    {
        return new QueryDescription(_all, _any, _none, Merge(_exclusive, [TypeNumber<T0>.Value, TypeNumber<T1>.Value]));
    }

    /// <summary>Entities must have exactly the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithExclusive<T0, T1, T2>() where T0 : struct where T1 : struct where T2 : struct
    {
        return new QueryDescription(_all, _any, _none, Merge(_exclusive, [TypeNumber<T0>.Value, TypeNumber<T1>.Value, TypeNumber<T2>.Value]));
    }

    /// <summary>Entities must have exactly the given types (an enableable tag counts only while its bit is set).</summary>
    public QueryDescription WithExclusive<T0, T1, T2, T3>() where T0 : struct where T1 : struct where T2 : struct where T3 : struct
    {
        return new QueryDescription(_all, _any, _none, Merge(_exclusive, [TypeNumber<T0>.Value, TypeNumber<T1>.Value, TypeNumber<T2>.Value, TypeNumber<T3>.Value]));
    }

    /// <inheritdoc/>
    public bool Equals(QueryDescription other)
    {
        return _hash == other._hash && All.SequenceEqual(other.All) && Any.SequenceEqual(other.Any)
            && None.SequenceEqual(other.None) && Exclusive.SequenceEqual(other.Exclusive);
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj)
    {
        return obj is QueryDescription other && Equals(other);
    }

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        return _hash;
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(QueryDescription left, QueryDescription right)
    {
        return left.Equals(right);
    }

    /// <summary>Value inequality.</summary>
    public static bool operator !=(QueryDescription left, QueryDescription right)
    {
        return !left.Equals(right);
    }

    /// <summary>Sorted union without duplicates, so equal sets give equal arrays.</summary>
    private static int[] Merge(int[]? existing, ReadOnlySpan<int> add)
    {
        var set = new SortedSet<int>(existing ?? []);
        foreach (var n in add)
        {
            set.Add(n);
        }
        return [.. set];
    }

    private static int Hash(int[]? numbers, int salt)
    {
        if (numbers is null || numbers.Length == 0)
        {
            return 0;
        }
        var hash = new HashCode();
        hash.Add(salt);
        foreach (var n in numbers)
        {
            hash.Add(n);
        }
        return hash.ToHashCode();
    }
}
