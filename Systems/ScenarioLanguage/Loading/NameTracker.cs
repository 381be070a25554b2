using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Loading;

/// <summary>
/// Follows processes and their VMAs symbolically through the steps as the loader reads them, so a name
/// that does not exist at that point of the run (or one created twice) is rejected before anything runs.
/// </summary>
internal sealed class NameTracker
{
    private readonly Dictionary<string, HashSet<string>> _processes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _devices;

    public NameTracker(IEnumerable<string> devices) => _devices = new HashSet<string>(devices, StringComparer.Ordinal);

    public void AddProcess(string name, string path)
    {
        if (!_processes.TryAdd(name, new HashSet<string>(StringComparer.Ordinal)))
        {
            throw new ScenarioException(path, $"process '{name}' already exists");
        }
    }

    public void RequireProcess(string name, string path) => Vmas(name, path);

    public void AddVma(string proc, string vma, string procPath, string vmaPath)
    {
        if (!Vmas(proc, procPath).Add(vma))
        {
            throw new ScenarioException(vmaPath, $"VMA '{vma}' already exists in process '{proc}'");
        }
    }

    public void RequireVma(string proc, string vma, string procPath, string vmaPath)
    {
        if (!Vmas(proc, procPath).Contains(vma))
        {
            throw new ScenarioException(vmaPath, $"process '{proc}' has no VMA '{vma}' at this point");
        }
    }

    public void RemoveVma(string proc, string vma, string procPath, string vmaPath)
    {
        RequireVma(proc, vma, procPath, vmaPath);
        _processes[proc].Remove(vma);
    }

    /// <summary>fork: the child gets a copy of the parent's VMA names.</summary>
    public void Fork(string proc, string child, string procPath, string childPath)
    {
        var vmas = Vmas(proc, procPath);
        if (!_processes.TryAdd(child, new HashSet<string>(vmas, StringComparer.Ordinal)))
        {
            throw new ScenarioException(childPath, $"process '{child}' already exists");
        }
    }

    /// <summary>A migrate target: a device name or <c>ram</c>.</summary>
    public void RequireTarget(string to, string path)
    {
        if (to != "ram" && !_devices.Contains(to))
        {
            throw new ScenarioException(path, $"no device '{to}' (a device name or \"ram\")");
        }
    }

    public void RequireDevice(string device, string path)
    {
        if (!_devices.Contains(device))
        {
            throw new ScenarioException(path, $"no device '{device}'");
        }
    }

    private HashSet<string> Vmas(string proc, string path) =>
        _processes.TryGetValue(proc, out var vmas) ? vmas : throw new ScenarioException(path, $"no process '{proc}' at this point");
}
