namespace HmmEcs.Engine;

/// <summary>
/// A world's cached query: the archetypes matching a <see cref="QueryDescription"/>, extended as
/// new archetypes appear. <c>foreach (var chunk in query)</c> visits the chunks with selected rows.
/// </summary>
public sealed class Query
{
    private readonly List<ArchetypeMatch> _matches = [];
    private int _seen;

    internal Query(World world, QueryDescription description)
    {
        World = world;
        Description = description;
        Scratch = new ulong[world.ChunkCapacity >> 6];
    }

    /// <summary>The world the query belongs to.</summary>
    public World World { get; }

    /// <summary>What the query selects.</summary>
    public QueryDescription Description { get; }

    /// <summary>Mask buffer for single-threaded iteration.</summary>
    internal ulong[] Scratch { get; }

    /// <summary>The matching archetypes, in creation order, brought up to date.</summary>
    internal List<ArchetypeMatch> Matches
    {
        get
        {
            Refresh();
            return _matches;
        }
    }

    /// <summary>Archetypes matched so far (after bringing the list up to date).</summary>
    public int ArchetypeCount => Matches.Count;

    /// <summary>Enumerates the chunks that have rows to visit.</summary>
    public ChunkEnumerator GetEnumerator()
    {
        return new ChunkEnumerator(this);
    }

    private void Refresh()
    {
        var archetypes = World.Archetypes;
        if (_seen == archetypes.Count)
        {
            return;
        }
        // Types may have registered since the last refresh; archetypes seen before cannot hold them.
        var filter = new QueryFilter(World.Registry, Description);
        for (; _seen < archetypes.Count; _seen++)
        {
            var match = filter.Match(archetypes[_seen]);
            if (match is not null)
            {
                _matches.Add(match);
            }
        }
    }
}
