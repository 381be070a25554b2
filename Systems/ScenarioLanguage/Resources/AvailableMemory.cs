using System.Globalization;

namespace HmmEcs.Systems.ScenarioLanguage.Resources;

/// <summary>
/// How much memory this process may still use: the least of what the machine has available now (Linux
/// <c>MemAvailable</c>), what the runtime sees as its limit (physical memory, or the container's cgroup limit), and
/// the address space left under <c>ulimit -v</c> (RLIMIT_AS, common on clusters).
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
        if (AddressSpaceLeft() is { } left)
        {
            limit = Math.Min(limit, left);
        }
        return limit;
    }

    /// <summary>
    /// Half of RLIMIT_AS's soft limit, or null when there is none (or elsewhere than Linux). The .NET runtime sizes its
    /// heap's address reservation to the limit, so the process's own address space says little; what a run could
    /// allocate was measured instead: about 0.6–1.0 GB under a 2 GB limit and 1.1–1.5 GB under 3 GB (a scratch program
    /// allocating 100 MB arrays until OutOfMemoryException).
    /// </summary>
    private static long? AddressSpaceLeft()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max address space", StringComparison.Ordinal))
                {
                    var soft = line["Max address space".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return soft == "unlimited" ? null : long.Parse(soft, CultureInfo.InvariantCulture) / 2;
                }
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
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
