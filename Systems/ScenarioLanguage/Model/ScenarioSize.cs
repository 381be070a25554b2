namespace HmmEcs.Systems.ScenarioLanguage.Model;

/// <summary>
/// What a scenario's steps add up to, saturating at <see cref="long.MaxValue"/> (a file may ask for more than any
/// count holds): the steps it executes and the PTEs it creates. The loader's limits, the memory estimate and the
/// progress display all count with these.
/// </summary>
public static class ScenarioSize
{
    /// <summary>Steps <paramref name="step"/> executes: 1, or a repeat's body once per pass (nested repeats multiply).</summary>
    public static long Executed(ScenarioStep step) =>
        step is RepeatStep r ? Mul(Executed(r.Body), r.Times) : 1;

    /// <summary>Steps a list executes.</summary>
    public static long Executed(IReadOnlyList<ScenarioStep> steps)
    {
        long n = 0;
        foreach (var s in steps)
        {
            n = Add(n, Executed(s));
        }
        return n;
    }

    /// <summary>
    /// PTEs the run holds after <paramref name="step"/>, given <paramref name="mapped"/> before it: an mmap adds its
    /// pages, a fork doubles them, munmap is not subtracted; a repeat's body counts once, since one that maps and unmaps a
    /// VMA on every pass reuses the PTEs it freed (MemoryManager.TakeFreePtes).
    /// </summary>
    public static long Mapped(ScenarioStep step, long mapped) => step switch
    {
        MmapStep m => Add(mapped, m.Pages),
        MremapStep m => Add(mapped, m.Pages),
        ForkStep => Add(mapped, mapped),
        RepeatStep r => r.Body.Aggregate(mapped, (total, s) => Mapped(s, total)),
        _ => mapped,
    };

    /// <summary>The largest VMA any mmap of the list creates (repeat bodies included).</summary>
    public static long LargestVma(IReadOnlyList<ScenarioStep> steps)
    {
        long largest = 0;
        foreach (var s in steps)
        {
            largest = Math.Max(largest, s switch
            {
                MmapStep m => m.Pages,
                MremapStep m => m.Pages,
                RepeatStep r => LargestVma(r.Body),
                _ => 0,
            });
        }
        return largest;
    }

    /// <summary><paramref name="a"/> + <paramref name="b"/> for non-negative counts, saturating.</summary>
    public static long Add(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;

    /// <summary><paramref name="a"/> × <paramref name="b"/> for non-negative counts, saturating.</summary>
    public static long Mul(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;
}
