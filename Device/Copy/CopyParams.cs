using HmmEcs.Components.Memory;

namespace HmmEcs.Devices.Copy;

/// <summary>A device's copy-engine parameters (docs/scenarios.md "The copy-engine model"); the defaults are the scenario format's.</summary>
public readonly record struct CopyParams(
    int Engines = CopyParams.DefaultEngines,
    double BandwidthGBps = CopyParams.DefaultBandwidthGBps,
    double LatencyUs = CopyParams.DefaultLatencyUs,
    int MaxBatchPages = CopyParams.DefaultMaxBatchPages)
{
    /// <summary>Copy engines of a device that names none.</summary>
    public const int DefaultEngines = 1;

    /// <summary>Bandwidth of one engine, GB/s (10^9 bytes per second).</summary>
    public const double DefaultBandwidthGBps = 24;

    /// <summary>Fixed cost of one command, µs.</summary>
    public const double DefaultLatencyUs = 5;

    /// <summary>Pages one command carries at most.</summary>
    public const int DefaultMaxBatchPages = 512;

    /// <summary>The defaults (a parameterless <c>new CopyParams()</c> is all zeros, as for any struct).</summary>
    public static CopyParams Default => new(DefaultEngines, DefaultBandwidthGBps, DefaultLatencyUs, DefaultMaxBatchPages);

    /// <summary>Model time of one command of <paramref name="pages"/> pages, in µs.</summary>
    public double CommandUs(long pages) => LatencyUs + pages * (double)PageGeometry.PageBytes / (BandwidthGBps * 1e3);
}
