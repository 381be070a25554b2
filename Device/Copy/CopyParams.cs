namespace HmmEcs.Device.Copy;

/// <summary>A device's copy-engine parameters (SCENARIOS.md "The copy-engine model").</summary>
public readonly record struct CopyParams(int Engines = 1, double BandwidthGBps = 24, double LatencyUs = 5, int MaxBatchPages = 512)
{
    /// <summary>SCENARIOS.md's defaults (a parameterless <c>new CopyParams()</c> is all zeros, as for any struct).</summary>
    public static CopyParams Default => new(1, 24, 5, 512);

    /// <summary>Model time of one command of <paramref name="pages"/> pages, in µs.</summary>
    public double CommandUs(long pages) => LatencyUs + pages * 4096.0 / (BandwidthGBps * 1e3);
}
