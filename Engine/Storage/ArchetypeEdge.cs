namespace HmmEcs.Engine;

/// <summary>
/// A cached move from one archetype to another: for each target column (and enable mask) the
/// source index it copies from, or -1 where the target's type is new.
/// </summary>
internal sealed class ArchetypeEdge
{
    public ArchetypeEdge(Archetype source, Archetype target)
    {
        Source = source;
        Target = target;
        SourceColumns = Map(target.ColumnIds, source.ColumnIndexOf);
        SourceEnables = Map(target.EnableIds, source.EnableIndexOf);
        // Layout-compatible: same column types in the same order, so a whole chunk can be relabelled.
        SameColumns = source.ColumnIds.AsSpan().SequenceEqual(target.ColumnIds);
        SameRawColumns = SameColumns && source.AllColumnsRaw;
    }

    public Archetype Source { get; }

    public Archetype Target { get; }

    public int[] SourceColumns { get; }

    public int[] SourceEnables { get; }

    public bool SameColumns { get; }

    /// <summary>Same column layout and every column raw bytes: a per-entity move takes the fused path.</summary>
    public bool SameRawColumns { get; }

    private static int[] Map(int[] targetIds, Func<int, int> sourceIndexOf)
    {
        var map = new int[targetIds.Length];
        for (var i = 0; i < map.Length; i++)
        {
            map[i] = sourceIndexOf(targetIds[i]);
        }
        return map;
    }
}
