using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Loading;

/// <summary>
/// Follows processes and their VMAs symbolically through the steps, so a name that does not exist at that
/// point of the run (or one created twice) is rejected before anything runs: the loader follows each step
/// as it reads it, a host follows each step it adds (<see cref="Follow"/>). The machine's front layer makes
/// the same checks when a step runs; this is the early, path-naming form of them.
/// </summary>
internal sealed class NameTracker
{
    private readonly Dictionary<string, HashSet<string>> _processes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _devices;

    public NameTracker(IEnumerable<string> devices) => _devices = new HashSet<string>(devices, StringComparer.Ordinal);

    /// <summary>A copy to follow a repeat on: its body may fail after some of its steps changed the names.</summary>
    public NameTracker Clone()
    {
        var copy = new NameTracker(_devices) { Version = Version };
        foreach (var (proc, vmas) in _processes)
        {
            copy._processes.Add(proc, new HashSet<string>(vmas, StringComparer.Ordinal));
        }
        return copy;
    }

    /// <summary>Bumped by every step that creates or removes a name (a repeat's body that bumps it is checked on a second pass).</summary>
    public int Version { get; private set; }

    /// <summary>Checks and applies the names <paramref name="step"/> uses and makes; throws <see cref="ScenarioException"/> at the field.</summary>
    public void Follow(ScenarioStep step)
    {
        var at = step.Path;
        switch (step)
        {
            case ProcessStep s:
                AddProcess(s.Name, $"{at}.name");
                break;
            case MmapStep s:
                AddVma(s.Proc, s.Vma, $"{at}.proc", $"{at}.vma");
                break;
            case ForkStep s:
                Fork(s.Proc, s.Child, $"{at}.proc", $"{at}.child");
                break;
            case MunmapStep { Range: null } s:
                RemoveVma(s.Proc, s.Vma, $"{at}.proc", $"{at}.vma");
                break;
            case MunmapStep s:
                RequireVma(s.Proc, s.Vma, $"{at}.proc", $"{at}.vma");
                break;
            case MremapStep s:
                RequireVma(s.Proc, s.Vma, $"{at}.proc", $"{at}.vma");
                AddVma(s.Proc, s.NewVma, $"{at}.proc", $"{at}.newVma");
                break;
            case MigrateStep s:
                RequireVma(s.Request.Proc, s.Request.Vma, $"{at}.proc", $"{at}.vma");
                RequireTarget(s.Request.To, $"{at}.to");
                if (s.Request.Owner is { } owner)
                {
                    RequireDevice(owner, $"{at}.owner");
                }
                FollowRaces(s.Request.Races, $"{at}.race");
                break;
            case TouchStep s:
                RequireVma(s.Proc, s.Vma, $"{at}.proc", $"{at}.vma");
                break;
            case PinStep s:
                RequireVma(s.Proc, s.Vma, $"{at}.proc", $"{at}.vma");
                break;
            case LockStep s:
                RequireVma(s.Proc, s.Vma, $"{at}.proc", $"{at}.vma");
                break;
            case SwapOutStep s:
                RequireVma(s.Proc, s.Vma, $"{at}.proc", $"{at}.vma");
                break;
            case MprotectStep s:
                RequireVma(s.Proc, s.Vma, $"{at}.proc", $"{at}.vma");
                break;
            case VerifyStep s:
                RequireVma(s.Proc, s.Vma, $"{at}.proc", $"{at}.vma");
                break;
            case WorkloadStep s:
                RequireDevice(s.Request.Device, $"{at}.device");
                RequireVma(s.Request.Proc, s.Request.Vma, $"{at}.proc", $"{at}.vma");
                break;
            case DeviceMirrorStep s:
                RequireDevice(s.Device, $"{at}.device");
                if (s.Proc is not null)
                {
                    RequireVma(s.Proc, s.Vma!, $"{at}.proc", $"{at}.vma");
                }
                break;
            case RepeatStep s:
                var before = Version;
                foreach (var inner in s.Body)
                {
                    Follow(inner);
                }
                FollowSecondPass(s, before);
                break;
        }
    }

    /// <summary>
    /// A repeat's names must hold on every pass. After the first pass over its body (begun at <paramref name="before"/>),
    /// a body that created or removed names is followed once more: a second pass that holds leaves the names as the
    /// first did, so it stands for every later one.
    /// </summary>
    public void FollowSecondPass(RepeatStep repeat, int before)
    {
        if (repeat.Times < 2 || Version == before)
        {
            return;
        }
        try
        {
            foreach (var inner in repeat.Body)
            {
                Follow(inner);
            }
        }
        catch (ScenarioException e)
        {
            throw new ScenarioException(e.Path, $"{e.Problem} (on the repeat's second pass)");
        }
    }

    private void AddProcess(string name, string path)
    {
        if (!_processes.TryAdd(name, new HashSet<string>(StringComparer.Ordinal)))
        {
            throw new ScenarioException(path, $"process '{name}' already exists");
        }
        Version++;
    }

    private void AddVma(string proc, string vma, string procPath, string vmaPath)
    {
        if (!Vmas(proc, procPath).Add(vma))
        {
            throw new ScenarioException(vmaPath, $"VMA '{vma}' already exists in process '{proc}'");
        }
        Version++;
    }

    private void RequireVma(string proc, string vma, string procPath, string vmaPath)
    {
        if (!Vmas(proc, procPath).Contains(vma))
        {
            throw new ScenarioException(vmaPath, $"process '{proc}' has no VMA '{vma}' at this point");
        }
    }

    private void RemoveVma(string proc, string vma, string procPath, string vmaPath)
    {
        RequireVma(proc, vma, procPath, vmaPath);
        _processes[proc].Remove(vma);
        Version++;
    }

    /// <summary>fork: the child gets a copy of the parent's VMA names.</summary>
    private void Fork(string proc, string child, string procPath, string childPath)
    {
        var vmas = Vmas(proc, procPath);
        if (!_processes.TryAdd(child, new HashSet<string>(vmas, StringComparer.Ordinal)))
        {
            throw new ScenarioException(childPath, $"process '{child}' already exists");
        }
        Version++;
    }

    /// <summary>
    /// A migrate's races: each names what exists when the call starts (or a new fork child); the munmap and fork races
    /// change the names after the call (they wait for its mmap lock), so their effects apply after every race is checked.
    /// </summary>
    private void FollowRaces(IReadOnlyList<Machine.Races.MigrateRace>? races, string path)
    {
        if (races is null)
        {
            return;
        }
        for (var j = 0; j < races.Count; j++)
        {
            var r = races[j];
            var at = $"{path}[{j}]";
            if (r.Op == Machine.Races.RaceOp.Fork)
            {
                Vmas(r.Proc, $"{at}.proc");
                if (_processes.ContainsKey(r.Child!) || races.Take(j).Any(o => o.Child == r.Child))
                {
                    throw new ScenarioException($"{at}.child", $"process '{r.Child}' already exists");
                }
                continue;
            }
            RequireVma(r.Proc, r.Vma!, $"{at}.proc", $"{at}.vma");
            if (r.Op == Machine.Races.RaceOp.Migrate)
            {
                RequireTarget(r.To!, $"{at}.to");
            }
        }
        for (var j = 0; j < races.Count; j++)
        {
            var r = races[j];
            var at = $"{path}[{j}]";
            if (r.Op == Machine.Races.RaceOp.Munmap)
            {
                RemoveVma(r.Proc, r.Vma!, $"{at}.proc", $"{at}.vma");
            }
            else if (r.Op == Machine.Races.RaceOp.Fork)
            {
                Fork(r.Proc, r.Child!, $"{at}.proc", $"{at}.child");
            }
        }
    }

    /// <summary>A migrate target: a device name or <c>ram</c>.</summary>
    private void RequireTarget(string to, string path)
    {
        if (to != MigrateTargets.Ram && !_devices.Contains(to))
        {
            throw new ScenarioException(path, $"no device '{to}' (a device name or \"ram\")");
        }
    }

    private void RequireDevice(string device, string path)
    {
        if (!_devices.Contains(device))
        {
            throw new ScenarioException(path, $"no device '{device}'");
        }
    }

    private HashSet<string> Vmas(string proc, string path) =>
        _processes.TryGetValue(proc, out var vmas) ? vmas : throw new ScenarioException(path, $"no process '{proc}' at this point");
}
