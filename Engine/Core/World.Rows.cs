namespace HmmEcs.Engine;

/// <summary>A segment of rows that <see cref="World.CreateRows{T0}"/> made: <paramref name="count"/> rows from <paramref name="start"/> of <paramref name="chunk"/>.</summary>
public delegate void RowSegment(Chunk chunk, int start, int count);

public sealed partial class World
{
    /// <summary>
    /// Creates <paramref name="count"/> rows of the archetype of <typeparamref name="T0"/> without entity handles,
    /// filling chunks in order, and hands each chunk's segment to <paramref name="segment"/> to write its columns
    /// (they hold default values until then). For data addressed by position that lives as long as the world (a
    /// machine's page frames, a VMA's PTEs, numbered by arithmetic): no id slot and no entity column entry is written,
    /// 16 bytes a row that a 10^8-row world would otherwise touch. Such rows are found by queries (with a default
    /// <see cref="Entity"/>), never moved or destroyed one by one; a query's bulk destroy drops them.
    /// </summary>
    public void CreateRows<T0>(int count, RowSegment segment) where T0 : struct =>
        AppendRows(CreateArchetype(default(Signature).With(Registry.IdOf<T0>())), count, segment);

    /// <summary><see cref="CreateRows{T0}"/> for the archetype of four component types.</summary>
    public void CreateRows<T0, T1, T2, T3>(int count, RowSegment segment) where T0 : struct where T1 : struct where T2 : struct where T3 : struct =>
        AppendRows(CreateArchetype(default(Signature).With(Registry.IdOf<T0>()).With(Registry.IdOf<T1>()).With(Registry.IdOf<T2>()).With(Registry.IdOf<T3>())), count, segment);

    /// <summary><see cref="CreateRows{T0}"/> for the archetype of five component types.</summary>
    public void CreateRows<T0, T1, T2, T3, T4>(int count, RowSegment segment) where T0 : struct where T1 : struct where T2 : struct where T3 : struct where T4 : struct =>
        AppendRows(CreateArchetype(default(Signature).With(Registry.IdOf<T0>()).With(Registry.IdOf<T1>()).With(Registry.IdOf<T2>()).With(Registry.IdOf<T3>()).With(Registry.IdOf<T4>())), count, segment);

    /// <summary><see cref="CreateRows{T0}"/> for the archetype of six component types.</summary>
    public void CreateRows<T0, T1, T2, T3, T4, T5>(int count, RowSegment segment) where T0 : struct where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct =>
        AppendRows(CreateArchetype(default(Signature).With(Registry.IdOf<T0>()).With(Registry.IdOf<T1>()).With(Registry.IdOf<T2>()).With(Registry.IdOf<T3>()).With(Registry.IdOf<T4>()).With(Registry.IdOf<T5>())), count, segment);

    /// <summary>
    /// <see cref="CreateRows{T0}"/> for the archetype of the component ids in <paramref name="signature"/> (from
    /// <see cref="ComponentId{T}"/>): for a set of columns chosen at run time.
    /// </summary>
    public void CreateRows(Signature signature, int count, RowSegment segment) => AppendRows(CreateArchetype(signature), count, segment);

    /// <summary>The world's id of component type <typeparamref name="T"/> (registered on first use), for a <see cref="Signature"/>.</summary>
    public int ComponentId<T>() where T : struct => Registry.IdOf<T>();

    private void AppendRows(Archetype archetype, int count, RowSegment segment)
    {
        ThrowIfIterating();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var done = 0;
        while (done < count)
        {
            var chunk = ChunkWithRoom(archetype);
            var start = chunk._count;
            var take = Math.Min(chunk.Capacity - start, count - done);
            PlaceRows(chunk, start, take);
            segment(chunk, start, take);
            done += take;
        }
    }
}
