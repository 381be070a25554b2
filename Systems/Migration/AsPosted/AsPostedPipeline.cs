using HmmEcs.Components.Migration;
using HmmEcs.Devices.Driver;
using HmmEcs.Systems.Kernel;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.Migration.AsPosted;

/// <summary>The ECS engine's entry to the <c>v13-as-posted</c> helper: <see cref="PostedHelper"/> on <see cref="EcsPostedKernel"/>.</summary>
internal sealed class AsPostedPipeline(MemoryManager mm)
{
    private readonly PostedCall _call = new();
    private bool _running;
    /// <summary>The helper for a call made while this one is between phases (a race's migrate), made on first need.</summary>
    private AsPostedPipeline? _nested;

    /// <summary>Runs the posted helper over pages <paramref name="first"/>.. of <paramref name="vma"/> and fills <paramref name="result"/>.</summary>
    public void Run(VmaInfo vma, long first, long count, int target, IMigrateOps ops, FailureInjection inject, MigrateResult result,
        Machine.Races.IRaceBoundaryHook? races = null)
    {
        if (_running)
        {
            // Another actor's call while this one is between phases: a call state of its own, as a second thread would have.
            (_nested ??= new AsPostedPipeline(mm)).Run(vma, first, count, target, ops, inject, result);
            return;
        }
        var c = _call;
        c.Begin(first, (int)count, target, inject);
        c.Races = races;
        var kernel = new EcsPostedKernel(mm, vma, ops, c);
        _running = true;
        try
        {
            PostedHelper.Run(ref kernel, c);
        }
        finally
        {
            _running = false;
        }
        result.Requested = count;
        Array.Clear(result.Reasons);
        result.Migrated = 0;
        result.TlbFlushes = c.TlbFlushes;
        result.Costs = c.Costs;
        result.Copy = c.Copy;
        var outcomes = new MigrateReason[count];
        for (var k = 0; k < count; k++)
        {
            var outcome = c.Migrated[k] ? MigrateReason.None : c.Outcome[k];
            outcomes[k] = outcome;
            if (outcome == MigrateReason.None)
            {
                result.Migrated++;
            }
            else
            {
                result.Reasons[(int)outcome]++;
            }
        }
        result.PageOutcomes = outcomes;
        result.Findings = c.Findings;
    }
}
