using System.Globalization;

namespace HmmEcs.Systems.ScenarioLanguage.Resources;

/// <summary>
/// How much memory this process may still use: the least of what the machine has available now (Linux
/// <c>MemAvailable</c>) and what the runtime sees as its limit (physical memory, or the container's cgroup limit).
/// </summary>
public static class AvailableMemory
{
    /// <summary>Bytes available to this process, as well as can be told here.</summary>
    public static long Bytes()
    {
        var limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (MemAvailable() is { } available)
        {
            limit = Math.Min(limit, available);
        }
        return limit;
    }

    /// <summary>Linux's estimate of memory available for new work without swapping, or null elsewhere.</summary>
    private static long? MemAvailable()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.Parse(parts[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
        }
        return null;
    }
}
