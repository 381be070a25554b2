using System.Runtime.CompilerServices;

namespace HmmEcs.Engine;

public sealed partial class World
{
    /// <summary>A reference to <paramref name="e"/>'s <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">The entity is stale, lacks <typeparamref name="T"/>, or <typeparamref name="T"/> is a tag.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref T Get<T>(Entity e) where T : struct
    {
        var location = LocationOf(e);
        var chunk = ChunkAt(location);
        var column = chunk.TryColumnIndex<T>();
        if (column < 0)
        {
            ThrowMissing(e, typeof(T));
        }
        return ref Unsafe.As<T[]>(chunk._columns[column])[location & _rowMask];
    }

    /// <summary>Writes <paramref name="e"/>'s <typeparamref name="T"/> (a tag: checks presence only).</summary>
    public void Set<T>(Entity e, in T value) where T : struct
    {
        if (TypeNumber<T>.IsZeroSize)
        {
            if (!Has<T>(e))
            {
                ThrowMissing(e, typeof(T));
            }
            return;
        }
        Get<T>(e) = value;
    }

    /// <summary>True when <paramref name="e"/> has <typeparamref name="T"/>; for an enableable tag, when its bit is set.</summary>
    public bool Has<T>(Entity e) where T : struct
    {
        var location = LocationOf(e);
        var chunk = ChunkAt(location);
        var enable = chunk.TryEnableIndex<T>();
        if (enable >= 0)
        {
            return chunk.IsEnabled(enable, location & _rowMask);
        }
        return chunk._archetype.Signature.Has(Registry.IdOf<T>());
    }

    /// <summary>
    /// Adds <typeparamref name="T"/> to <paramref name="e"/> (an archetype move), or overwrites it if present.
    /// For an enableable tag already in the archetype this only sets the bit.
    /// </summary>
    public void Add<T>(Entity e, in T value = default) where T : struct
    {
        var location = LocationOf(e);
        var chunk = ChunkAt(location);
        var row = location & _rowMask;
        var id = Registry.IdOf<T>();
        var archetype = chunk._archetype;
        if (archetype.Signature.Has(id))
        {
            var enable = archetype.EnableIndexOf(id);
            if (enable >= 0)
            {
                chunk.SetEnabled(enable, row, true);
            }
            else if (!TypeNumber<T>.IsZeroSize)
            {
                Unsafe.As<T[]>(chunk._columns[archetype.ColumnIndexOf(id)])[row] = value;
            }
            return;
        }
        ThrowIfIterating();
        var edge = archetype.AddEdge(id);
        var to = MoveRow(chunk, row, edge);
        if (!TypeNumber<T>.IsZeroSize)
        {
            Unsafe.As<T[]>(to._columns[edge.Target.ColumnIndexOf(id)])[to._count - 1] = value;
        }
    }

    /// <summary>
    /// Removes <typeparamref name="T"/> from <paramref name="e"/> (an archetype move); for an enableable
    /// tag, clears its bit. Does nothing when <paramref name="e"/> lacks <typeparamref name="T"/>.
    /// </summary>
    public void Remove<T>(Entity e) where T : struct
    {
        var location = LocationOf(e);
        var chunk = ChunkAt(location);
        var id = Registry.IdOf<T>();
        var archetype = chunk._archetype;
        if (!archetype.Signature.Has(id))
        {
            return;
        }
        var enable = archetype.EnableIndexOf(id);
        if (enable >= 0)
        {
            chunk.SetEnabled(enable, location & _rowMask, false);
            return;
        }
        ThrowIfIterating();
        MoveRow(chunk, location & _rowMask, archetype.RemoveEdge(id));
    }

    /// <summary>Sets or clears <paramref name="e"/>'s bit of enableable tag <typeparamref name="T"/> (the archetype must have it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetEnabled<T>(Entity e, bool on) where T : struct
    {
        var location = LocationOf(e);
        var chunk = ChunkAt(location);
        var cache = chunk._enableCache;
        if ((int)(cache >> 32) != TypeNumber<T>.Value)
        {
            // The miss path does the whole flip out of line, so nothing stays live across its call.
            SetEnabledUncached<T>(e, chunk, location & _rowMask, on);
            return;
        }
        chunk.SetEnabled((int)cache, location & _rowMask, on);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void SetEnabledUncached<T>(Entity e, Chunk chunk, int row, bool on) where T : struct
    {
        var enable = chunk.TryEnableIndex<T>();
        if (enable < 0)
        {
            ThrowMissing(e, typeof(T));
        }
        chunk.SetEnabled(enable, row, on);
    }

    private static void ThrowMissing(Entity e, Type type)
    {
        throw new InvalidOperationException($"entity {e} has no {type.Name} column (absent, or a tag)");
    }
}
