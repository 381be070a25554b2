namespace HmmEcs.Engine;

/// <summary>A <see cref="QueryDescription"/> resolved to one world's component ids, matched against archetypes.</summary>
internal readonly struct QueryFilter
{
    private readonly ComponentRegistry _registry;
    private readonly bool _impossible;
    private readonly Signature _all;
    private readonly Signature _any;
    private readonly Signature _none;
    private readonly Signature _exclusive;
    private readonly bool _hasAny;
    private readonly bool _hasExclusive;

    public QueryFilter(ComponentRegistry registry, in QueryDescription description)
    {
        _registry = registry;
        _impossible = false;
        _all = Resolve(registry, description.All, out var allMissing);
        _any = Resolve(registry, description.Any, out _);
        _none = Resolve(registry, description.None, out _);
        _exclusive = Resolve(registry, description.Exclusive, out var exclusiveMissing);
        _hasAny = description.Any.Length > 0;
        _hasExclusive = description.Exclusive.Length > 0;
        // A type the world never registered is in no archetype.
        _impossible = allMissing || exclusiveMissing || (_hasAny && _any.IsEmpty);
    }

    public ArchetypeMatch? Match(Archetype archetype)
    {
        var signature = archetype.Signature;
        if (_impossible || !signature.ContainsAll(_all))
        {
            return null;
        }
        if (_hasAny && !signature.Intersects(_any))
        {
            return null;
        }
        if (_hasExclusive && signature != _exclusive)
        {
            return null;
        }
        var noneEnable = new List<int>();
        foreach (var id in archetype.EnableIds)
        {
            if (_none.Has(id))
            {
                noneEnable.Add(archetype.EnableIndexOf(id));
            }
        }
        foreach (var id in signature.ToIds())
        {
            if (_none.Has(id) && !_registry[id].IsEnableable)
            {
                return null;
            }
        }
        var allEnable = new List<int>();
        var anyEnable = new List<int>();
        var anyUnconditional = false;
        foreach (var id in signature.ToIds())
        {
            var enable = archetype.EnableIndexOf(id);
            if (_all.Has(id) && enable >= 0)
            {
                allEnable.Add(enable);
            }
            if (_any.Has(id))
            {
                if (enable >= 0)
                {
                    anyEnable.Add(enable);
                }
                else
                {
                    anyUnconditional = true;
                }
            }
        }
        if (anyUnconditional)
        {
            anyEnable.Clear();
        }
        return new ArchetypeMatch(archetype, [.. allEnable], [.. noneEnable], [.. anyEnable]);
    }

    private static Signature Resolve(ComponentRegistry registry, ReadOnlySpan<int> numbers, out bool missing)
    {
        missing = false;
        var signature = default(Signature);
        foreach (var n in numbers)
        {
            var id = registry.TryIdOf(n);
            if (id < 0)
            {
                missing = true;
            }
            else
            {
                signature = signature.With(id);
            }
        }
        return signature;
    }
}
