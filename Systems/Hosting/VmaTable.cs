using HmmEcs.Components.Migration;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.Hosting;

/// <summary>
/// The size of every live VMA, followed from the steps the simulation runs (mmap, fork, munmap): a migrate
/// spread over ticks needs the VMA's size to resolve its range and align its sub-ranges.
/// </summary>
internal sealed class VmaTable
{
    private readonly Dictionary<string, Dictionary<string, long>> _byProc = [];

    /// <summary>Pages of <paramref name="vma"/> in <paramref name="proc"/>, or -1 when unknown.</summary>
    public long Pages(string proc, string vma) =>
        _byProc.TryGetValue(proc, out var vmas) && vmas.TryGetValue(vma, out var pages) ? pages : -1;

    /// <summary>Every (process, VMA, pages) known, in no particular order.</summary>
    public IEnumerable<(string Proc, string Vma, long Pages)> All()
    {
        foreach (var (proc, vmas) in _byProc)
        {
            foreach (var (vma, pages) in vmas)
            {
                yield return (proc, vma, pages);
            }
        }
    }

    /// <summary>Records the effect of a step that ended with <paramref name="error"/>.</summary>
    public void Follow(ScenarioStep step, Errno error)
    {
        if (error != Errno.None)
        {
            return;
        }
        switch (step)
        {
            case ProcessStep s:
                _byProc.TryAdd(s.Name, []);
                break;
            case MmapStep s:
                Of(s.Proc)[s.Vma] = s.Pages;
                break;
            case ForkStep s:
                _byProc[s.Child] = new Dictionary<string, long>(Of(s.Proc));
                break;
            case MremapStep s:
                Of(s.Proc)[s.NewVma] = s.Pages;
                break;
            case MunmapStep { Range: null } s:
                Of(s.Proc).Remove(s.Vma);
                break;
        }
    }

    private Dictionary<string, long> Of(string proc)
    {
        if (!_byProc.TryGetValue(proc, out var vmas))
        {
            vmas = [];
            _byProc[proc] = vmas;
        }
        return vmas;
    }
}
