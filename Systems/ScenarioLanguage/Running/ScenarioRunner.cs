using System.Diagnostics;
using System.Text.Json.Nodes;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Running;

/// <summary>
/// Runs a validated scenario on one machine and builds its result (SCENARIOS.md "Results"). Hosts embed
/// it: load with <see cref="Loading.ScenarioLoader"/>, run with <see cref="Run(Scenario, string, bool, Action{StepResult}?)"/>,
/// print with <see cref="ScenarioResult.ToJson"/>.
/// </summary>
public static class ScenarioRunner
{
    /// <summary>
    /// Builds a machine of <paramref name="engine"/> (see <see cref="MachineFactory.Engines"/>) and runs the scenario on it.
    /// <paramref name="checkEveryStep"/> runs the invariant checker after every step (<c>--check</c>);
    /// <paramref name="onStep"/> sees each step's result as soon as it is complete.
    /// </summary>
    public static ScenarioResult Run(Scenario scenario, string engine, bool checkEveryStep = false, Action<StepResult>? onStep = null)
    {
        using var machine = MachineFactory.Create(engine, scenario.Machine);
        return Run(scenario, machine, checkEveryStep, onStep);
    }

    /// <summary>Runs the scenario on a machine built from <see cref="Scenario.Machine"/> (any <see cref="IMachine"/>).</summary>
    public static ScenarioResult Run(Scenario scenario, IMachine machine, bool checkEveryStep = false, Action<StepResult>? onStep = null)
    {
        var results = new List<StepResult>();
        for (var index = 0; index < scenario.Steps.Count; index++)
        {
            var step = scenario.Steps[index];
            if (step is RepeatStep repeat)
            {
                RunRepeat(machine, repeat, index, [], results, checkEveryStep, onStep);
            }
            else
            {
                results.Add(RunOne(machine, step, index, null, null, [], checkEveryStep, onStep));
            }
        }
        return new ScenarioResult(scenario.Name, machine.EngineName, scenario.Seed, scenario.PayloadName, results);
    }

    /// <summary>Runs a repeat's body <c>times</c> times; <paramref name="outer"/> holds the (pass, position) pairs of the repeats around it.</summary>
    private static void RunRepeat(IMachine machine, RepeatStep repeat, int index, List<(int, int)> outer,
        List<StepResult> results, bool checkEveryStep, Action<StepResult>? onStep)
    {
        for (var pass = 0; pass < repeat.Times; pass++)
        {
            for (var inner = 0; inner < repeat.Body.Count; inner++)
            {
                outer.Add((pass, inner));
                if (repeat.Body[inner] is RepeatStep nested)
                {
                    RunRepeat(machine, nested, index, outer, results, checkEveryStep, onStep);
                }
                else
                {
                    var (it, n) = outer[0];
                    results.Add(RunOne(machine, repeat.Body[inner], index, it, n, outer.GetRange(1, outer.Count - 1), checkEveryStep, onStep));
                }
                outer.RemoveAt(outer.Count - 1);
            }
        }
    }

    private static StepResult RunOne(IMachine machine, ScenarioStep step, int index, int? pass, int? inner,
        List<(int, int)> nested, bool checkEveryStep, Action<StepResult>? onStep)
    {
        var start = Stopwatch.GetTimestamp();
        var (error, fields) = Execute(machine, step);
        var wallMs = Math.Round(Stopwatch.GetElapsedTime(start).TotalMilliseconds, 3);
        var result = new StepResult(index, pass, inner, step.Op, fields, error, wallMs, nested.Count > 0 ? nested : null);
        if (checkEveryStep)
        {
            result.Invariants = machine.Check();
        }
        if (step.Expect.Count > 0)
        {
            ExpectationChecker.Check(result.ToJson(), step.Expect, result.ExpectFailures);
        }
        onStep?.Invoke(result);
        return result;
    }

    /// <summary>Runs a device-mirror step (also for hosts that dispatch steps themselves).</summary>
    internal static (Errno Error, JsonObject Fields) ExecuteMirror(IMachine m, DeviceMirrorStep s)
    {
        switch (s.Op)
        {
            case "device-read":
            case "device-write":
            {
                var read = s.Op == "device-read";
                var r = new DeviceAccessResult();
                var e = read
                    ? m.DeviceRead(s.Device, s.Proc!, s.Vma!, s.Range, s.Pattern, s.Salt, r)
                    : m.DeviceWrite(s.Device, s.Proc!, s.Vma!, s.Range, s.Salt, r);
                return (e, ResultFields.DeviceAccess(e == Errno.None ? r : new DeviceAccessResult(), read));
            }
            case "snapshot":
            {
                var r = new SnapshotResult();
                var e = m.Snapshot(s.Device, s.Proc!, s.Vma!, s.Range, r);
                return (e, ResultFields.Snapshot(e == Errno.None ? r : new SnapshotResult()));
            }
            case "evict":
            {
                var e = m.Evict(s.Device, out var migrated);
                return (e, ResultFields.Count("migrated", e == Errno.None ? migrated : 0));
            }
            default:
                throw new InvalidOperationException($"{s.Path}: op '{s.Op}' cannot run here");
        }
    }

    private static (Errno Error, JsonObject Fields) Execute(IMachine m, ScenarioStep step) => Execute(m, step, out _, out _);

    /// <summary>
    /// Runs one non-repeat step whole and gives its result fields; <paramref name="faults"/> is set for a
    /// touch that succeeded, <paramref name="migrate"/> for a migrate that succeeded (hosts raise events from them).
    /// </summary>
    internal static (Errno Error, JsonObject Fields) Execute(IMachine m, ScenarioStep step, out FaultCounts? faults, out MigrateResult? migrate)
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
                faults = e == Errno.None ? f : null;
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
                migrate = e == Errno.None ? r : null;
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
                return ExecuteMirror(m, s);
            default:
                throw new InvalidOperationException($"{step.Path}: op '{step.Op}' cannot run here");
        }
    }
}
