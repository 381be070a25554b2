using System.Runtime.CompilerServices;
using HmmEcs.Engine;

namespace HmmEcs.Devices.Frames;

/// <summary>
/// A run of rows created in sequence in one archetype that is never destroyed from (rows without entity handles,
/// <see cref="World.CreateRows{T0}"/>): member
/// <c>n</c> of the run sits at row <c>(Offset + n) mod capacity</c> of chunk <c>(Offset + n) / capacity</c>,
/// so a number maps to its storage by arithmetic (as a frame number maps into <c>mem_map</c>).
/// </summary>
public sealed class EntityRun
{
    private readonly List<Chunk> _chunks = [];
    private readonly int _shift;
    private readonly int _mask;

    /// <summary>A run in a world whose chunks hold <paramref name="capacity"/> rows (a power of two).</summary>
    public EntityRun(int capacity)
    {
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentException("chunk capacity must be a power of two", nameof(capacity));
        }
        _shift = System.Numerics.BitOperations.Log2((uint)capacity);
        _mask = capacity - 1;
        Capacity = capacity;
    }

    /// <summary>Rows per chunk.</summary>
    public int Capacity { get; }

    /// <summary>Row of entity 0 in the first chunk.</summary>
    public int Offset { get; private set; } = -1;

    /// <summary>Entities in the run.</summary>
    public int Count { get; private set; }

    /// <summary>Chunks of the run in order.</summary>
    public IReadOnlyList<Chunk> Chunks => _chunks;

    /// <summary>Creates rows of one archetype without entity handles (<see cref="World.CreateRows{T0}"/>).</summary>
    public delegate void RowCreator(World world, int count, RowSegment segment);

    /// <summary>
    /// Appends <paramref name="count"/> rows made by <paramref name="create"/> (rows without entity handles: no id
    /// slot, no entity column entry) and lets <paramref name="fill"/> write each segment's columns. The run's members
    /// are found by number only, so they need no handles; at 10^7–10^8 rows that is 16 bytes a row never touched.
    /// </summary>
    public void AppendRows(World world, long count, RowCreator create, RowSegment fill)
    {
        create(world, checked((int)count), (chunk, start, n) =>
        {
            Register(chunk, start, n);
            fill(chunk, start, n);
        });
    }

    /// <summary>Takes a segment of new rows into the run, checking it lands where the arithmetic says.</summary>
    private void Register(Chunk chunk, int start, int n)
    {
        if (Offset < 0)
        {
            Offset = start;
            _chunks.Add(chunk);
        }
        else
        {
            var g = Offset + Count;
            if ((g & _mask) != start)
            {
                throw new InvalidOperationException($"entity run broken: expected row {g & _mask}, got {start}");
            }
            var ci = g >> _shift;
            if (ci == _chunks.Count)
            {
                _chunks.Add(chunk);
            }
            else if (!ReferenceEquals(_chunks[ci], chunk))
            {
                throw new InvalidOperationException("entity run broken: chunk changed under the run");
            }
        }
        Count += n;
    }

    /// <summary>Chunk index (in <see cref="Chunks"/>) of entity <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ChunkOf(long n) => (int)((Offset + n) >> _shift);

    /// <summary>Row of entity <paramref name="n"/> in its chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int RowOf(long n) => (int)((Offset + n) & _mask);

    /// <summary>The chunk holding entity <paramref name="n"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Chunk ChunkAt(long n) => _chunks[ChunkOf(n)];
}
