using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Resources;

/// <summary>
/// What a scenario's run will hold at its peak, estimated from the file before anything is built: every RAM frame and
/// device page is a row of about 34 bytes (page, content, enable bits, the chunk's slack), every PTE about 22 bytes,
/// and the largest migrate call's per-page arrays and mirror entries about 26 bytes a page; in bytes payload every
/// written page holds 4096 bytes, twice while a migrate copies it. Fitted a little above the measured peaks
/// (BENCHMARKS.md: 10M pages 1,137,140 KiB, 100M pages 10,922,584 KiB); the reference engine holds about 1.3 times
/// the ECS engine's.
/// </summary>
public static class MemoryEstimate
{
    private const long BaseBytes = 48L << 20;
    private const long BytesPerFrame = 34;
    private const long BytesPerPte = 22;
    private const long BytesPerMigratedPage = 26;

    /// <summary>
    /// A workload's per-page state: its mirror levels, an eviction order's links, counts and heap entries, and on the ECS
    /// engine the page entities' components (56 bytes: access, residency, thrashing).
    /// </summary>
    private const long BytesPerWorkloadPage = 112;

    /// <summary>Estimated peak bytes of running <paramref name="scenario"/> on <paramref name="engine"/> (<c>ecs</c> or <c>reference</c>).</summary>
    public static long Bytes(Scenario scenario, string engine)
    {
        var m = scenario.Machine;
        long frames = m.RamPages;
        foreach (var d in m.DeviceList)
        {
            frames = Sum(frames, d.Pages);
        }
        var ptes = scenario.Steps.Aggregate(0L, (mapped, step) => ScenarioSize.Mapped(step, mapped));
        var largest = ScenarioSize.LargestVma(scenario.Steps);
        // Saturating: a file the loader accepted may still describe more than any machine holds.
        var bytes = Sum(BaseBytes, Mul(BytesPerFrame, frames), Mul(BytesPerPte, ptes), Mul(BytesPerMigratedPage, largest));
        if (HasWorkload(scenario.Steps))
        {
            bytes = Sum(bytes, Mul(BytesPerWorkloadPage, largest));
        }
        if (m.Payload == PayloadMode.Bytes)
        {
            bytes = Sum(bytes, Mul(2 * 4096, ptes));
        }
        return engine == "reference" ? Sum(bytes, bytes / 10 * 3) : bytes;
    }

    private static bool HasWorkload(IReadOnlyList<Model.ScenarioStep> steps) =>
        steps.Any(s => s is Model.WorkloadStep || (s is Model.RepeatStep r && HasWorkload(r.Body)));

    /// <summary>"1.49 GB": bytes for messages, in decimal units.</summary>
    public static string Describe(long bytes) => bytes >= 1_000_000_000
        ? $"{bytes / 1e9:0.##} GB"
        : $"{bytes / 1e6:0.#} MB";

    private static long Mul(long a, long b) => ScenarioSize.Mul(a, b);

    private static long Sum(params ReadOnlySpan<long> values)
    {
        long total = 0;
        foreach (var v in values)
        {
            total = ScenarioSize.Add(total, v);
        }
        return total;
    }
}
