using System.Numerics;
using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

/// <summary>
/// An archetype ECS world: entities, their components in chunked archetypes, cached queries, bulk
/// structural changes. Worlds share no state; component ids are per world.
/// </summary>
/// <remarks>Not thread-safe, except that parallel queries run jobs on several threads and enable-bit flips of rows a worker owns are safe.</remarks>
public sealed partial class World : IDisposable
{
    private readonly Dictionary<Signature, Archetype> _archetypeBySignature = [];
    private readonly List<Archetype> _archetypes = [];
    private readonly Archetype _empty;
    private readonly int _rowBits;
    private readonly int _rowMask;
    private int _iterating;

    /// <summary>Creates an empty world.</summary>
    public World(WorldOptions? options = null)
    {
        Options = options ?? new WorldOptions();
        var capacity = Options.ChunkCapacity;
        if (capacity < 64 || !BitOperations.IsPow2(capacity))
        {
            throw new ArgumentException($"ChunkCapacity must be a power of two and a multiple of 64, not {capacity}.", nameof(options));
        }
        ChunkCapacity = capacity;
        if (Options.HugePages)
        {
            HugePageAdvice.AdviseManagedHeap();
        }
        _rowBits = BitOperations.Log2((uint)capacity);
        _rowMask = capacity - 1;
        _empty = ArchetypeOf(default);
    }

    /// <summary>The options the world was made with.</summary>
    public WorldOptions Options { get; }

    /// <summary>Rows per chunk.</summary>
    public int ChunkCapacity { get; }

    /// <summary>Live entities.</summary>
    public int Size => _alive;

    /// <summary>Archetypes created so far (the empty one included).</summary>
    public int ArchetypeCount => _archetypes.Count;

    /// <summary>Bumped whenever an archetype is created; queries re-match when it moves.</summary>
    internal int ArchetypeVersion => _archetypes.Count;

    internal ComponentRegistry Registry { get; } = new();

    internal List<Archetype> Archetypes => _archetypes;

    /// <summary>True while a query is iterating (structural changes throw).</summary>
    public bool IsIterating => _iterating != 0;

    /// <summary>Registers zero-size <typeparamref name="T"/> as an enableable tag: a bit per row instead of an archetype move.</summary>
    public void RegisterEnableable<T>() where T : struct
    {
        Registry.Register<T>(true);
    }

    /// <summary>The world's registration of <typeparamref name="T"/> (registering it if new).</summary>
    public ComponentType TypeOf<T>() where T : struct
    {
        return Registry[Registry.IdOf<T>()];
    }

    /// <summary>The archetype with exactly <paramref name="signature"/>, created if new.</summary>
    internal Archetype ArchetypeOf(Signature signature)
    {
        if (!_archetypeBySignature.TryGetValue(signature, out var archetype))
        {
            archetype = new Archetype(this, signature, _archetypes.Count);
            _archetypeBySignature.Add(signature, archetype);
            _archetypes.Add(archetype);
        }
        return archetype;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal void ThrowIfIterating()
    {
        if (_iterating != 0)
        {
            ThrowStructuralDuringIteration();
        }
    }

    internal void EnterIteration()
    {
        _iterating++;
    }

    internal void ExitIteration()
    {
        _iterating--;
    }

    private static void ThrowStructuralDuringIteration()
    {
        throw new InvalidOperationException("structural change while a query is iterating: record it in a CommandBuffer and play it back after the loop");
    }

    /// <summary>Drops all entities, archetypes and cached queries.</summary>
    public void Dispose()
    {
        _archetypes.Clear();
        _archetypeBySignature.Clear();
        _queries.Clear();
        _slots = [];
        _slotCount = 0;
        _freeIds = [];
        _freeCount = 0;
        _chunkById = [];
        _chunkIdCount = 0;
        _freeChunkIds.Clear();
        _chunkPool.Clear();
        _alive = 0;
    }
}
