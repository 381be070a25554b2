namespace HmmEcs.Systems.ScenarioLanguage.Loading;

/// <summary>
/// What a scenario file may ask for (docs/scenarios.md, "Limits"), enforced when it loads with the JSON path of the
/// field that goes past one: sizes the engines can index (frame and PTE numbers are 32-bit, so RAM, devices and
/// mappings together stay below 2^31), copy-engine parameters whose model times stay finite, a bounded number of
/// executed steps (each keeps its result), and a file the loader reads whole.
/// </summary>
public static class ScenarioLimits
{
    /// <summary>Bytes of a scenario file (or of standard input).</summary>
    public const int MaxFileBytes = 16 << 20;

    /// <summary>Characters of any string value (a name, a device, a target).</summary>
    public const int MaxStringLength = 1024;

    /// <summary>Page frames of the machine: RAM and every device's pages together.</summary>
    public const long MaxFrames = 1_000_000_000;

    /// <summary>PTEs the run creates: every mmap's pages, doubled by each fork.</summary>
    public const long MaxMappedPages = 1_000_000_000;

    /// <summary>Steps the run executes: a repeat counts its body once per pass, nested repeats multiply.</summary>
    public const long MaxExecutedSteps = 1_000_000;

    /// <summary>Repeats nested in repeats (a body's names are checked once more per level, so depth costs twice per level).</summary>
    public const int MaxRepeatDepth = 8;

    /// <summary>A device's copy engines.</summary>
    public const int MaxCopyEngines = 1024;

    /// <summary>A device's pages per copy command, and pages per hot-plugged chunk.</summary>
    public const int MaxBatchPages = 1 << 20;

    /// <summary>A device's fixed cost per copy command, in microseconds (1000 s).</summary>
    public const double MaxLatencyUs = 1e9;

    /// <summary>A <c>workload</c>'s accesses: 10¹⁰, some twenty minutes at the ten million a second the runner does.</summary>
    public const long MaxWorkloadAccesses = 10_000_000_000;

    /// <summary>A <c>workload</c>'s lockstep streams (each holds at most one fault in the buffer).</summary>
    public const int MaxWorkloadStreams = 1 << 20;

    /// <summary>A <c>workload</c>'s fault batch size.</summary>
    public const int MaxFaultBatch = 1 << 20;

    /// <summary>A fault-cost constant, in microseconds (1000 s), so model times stay finite.</summary>
    public const double MaxFaultCostUs = 1e9;

    /// <summary>A device's copy bandwidth bounds, in GB/s.</summary>
    public const double MinBandwidthGBps = 1e-6, MaxBandwidthGBps = 1e6;
}
