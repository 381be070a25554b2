using System.Text.Json.Nodes;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Scenarios.Model;
using HmmEcs.Systems.Scenarios.Running;
using HmmEcs.Systems.Simulation;

namespace HmmEcs.Systems.Hosting;

/// <summary>Runs one non-repeat step whole on a machine and gives its result fields, as <see cref="ScenarioRunner"/> does.</summary>
internal static class StepExecutor
{
    /// <summary>Runs <paramref name="step"/>; <paramref name="faults"/> is set for a touch, <paramref name="migrate"/> for a migrate that succeeded.</summary>
    public static (Errno Error, JsonObject Fields) Execute(IMachine m, ScenarioStep step, out FaultCounts? faults, out MigrateResult? migrate)
    {
        faults = null;
        migrate = null;
        var devices = m.Config.DeviceList;
        switch (step)
        {
            case ProcessStep s:
                return (m.CreateProcess(s.Name), []);
            case MmapStep s:
                return (m.Mmap(s.Proc, s.Vma, s.Pages, s.Kind, s.Writable, s.Thp), []);
            case TouchStep s:
            {
                var e = m.Touch(s.Proc, s.Vma, s.Range, s.Access, s.Salt, out var f);
                if (e == Errno.None)
                {
                    faults = f;
                }
                return (e, ResultFields.Faults(e == Errno.None ? f : default));
            }
            case ForkStep s:
                return (m.Fork(s.Proc, s.Child), []);
            case PinStep s:
            {
                var e = m.Pin(s.Proc, s.Vma, s.Range, s.Every, s.Take, out var pages);
                return (e, ResultFields.Count("pages", e == Errno.None ? pages : 0));
            }
            case LockStep s:
            {
                var e = m.Lock(s.Proc, s.Vma, s.Range, s.Every, s.Take, out var pages);
                return (e, ResultFields.Count("pages", e == Errno.None ? pages : 0));
            }
            case SwapOutStep s:
            {
                var e = m.SwapOut(s.Proc, s.Vma, s.Range, s.Every, out var swapped);
                return (e, ResultFields.Count("swapped", e == Errno.None ? swapped : 0));
            }
            case MprotectStep s:
                return (m.Mprotect(s.Proc, s.Vma, s.Writable), []);
            case MunmapStep s:
                return (m.Munmap(s.Proc, s.Vma), []);
            case MigrateStep s:
            {
                var r = new MigrateResult();
                var e = m.Migrate(s.Request, r);
                if (e == Errno.None)
                {
                    migrate = r;
                }
                return (e, ResultFields.Migrate(e == Errno.None ? r : new MigrateResult()));
            }
            case VerifyStep s:
            {
                var r = new VerifyResult { Device = new long[devices.Count] };
                var e = m.Verify(s.Proc, s.Vma, s.Range, s.Pattern, s.Salt, r);
                return (e, ResultFields.Verify(e == Errno.None ? r : new VerifyResult(), devices));
            }
            case StatsStep:
                return (Errno.None, ResultFields.Stats(m.Stats(), devices));
            case CheckStep:
                return (Errno.None, StepResult.CheckJson(m.Check()));
            case DeviceMirrorStep s:
                return ScenarioRunner.ExecuteMirror(m, s);
            default:
                throw new InvalidOperationException($"{step.Path}: op '{step.Op}' cannot run here");
        }
    }
}
