using HmmEcs.Engine;

namespace HmmEcs.Benchmarks.Engine;

/// <summary>The loops several engine benchmarks share, so each measures the same work.</summary>
internal static class TagFlipLoops
{
    /// <summary>The physical floor: set, then clear, one bool per entity in a plain array.</summary>
    public static void SetThenClear(bool[] flags)
    {
        for (var i = 0; i < flags.Length; i++)
        {
            flags[i] = true;
        }
        for (var i = 0; i < flags.Length; i++)
        {
            flags[i] = false;
        }
    }

    /// <summary>World.Add then World.Remove of a zero-size tag on every entity: two archetype moves each.</summary>
    public static void AddThenRemove<TTag>(World world, Entity[] entities) where TTag : struct
    {
        foreach (var e in entities)
        {
            world.Add<TTag>(e);
        }
        foreach (var e in entities)
        {
            world.Remove<TTag>(e);
        }
    }
}
