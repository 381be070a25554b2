using System.Diagnostics;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Systems.ScenarioLanguage.Running;

/// <summary>
/// Runs a validated scenario on one machine and builds its result (docs/scenarios.md "Results"). Hosts embed
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
        var start = Stopwatch.GetTimestamp();
        using var machine = MachineFactory.Create(engine, scenario.Machine);
        var setupMs = ResultFields.RoundTiming(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        return Run(scenario, machine, checkEveryStep, onStep, setupMs);
    }

    /// <summary>
    /// Runs the scenario on a machine built from <see cref="Scenario.Machine"/> (any <see cref="IMachine"/>);
    /// <paramref name="setupMs"/> is the time the caller took to build it (the document's <c>setupMs</c>).
    /// </summary>
    public static ScenarioResult Run(Scenario scenario, IMachine machine, bool checkEveryStep = false, Action<StepResult>? onStep = null,
        double setupMs = 0)
    {
        var schema = new ResultSchema(machine.Config.DeviceList);
        var results = new List<StepResult>();
        for (var index = 0; index < scenario.Steps.Count; index++)
        {
            var step = scenario.Steps[index];
            if (step is RepeatStep repeat)
            {
                RunRepeat(machine, schema, repeat, index, [], results, checkEveryStep, onStep);
            }
            else
            {
                results.Add(RunOne(machine, schema, step, index, null, null, [], checkEveryStep, onStep));
            }
        }
        return new ScenarioResult(scenario.Name, machine.EngineName, SemanticsProfiles.Name(machine.Config.Profile), scenario.Seed, scenario.PayloadName, ResultFields.RoundTiming(setupMs), results);
    }

    /// <summary>Runs a repeat's body <c>times</c> times; <paramref name="outer"/> holds the (pass, position) pairs of the repeats around it.</summary>
    private static void RunRepeat(IMachine machine, ResultSchema schema, RepeatStep repeat, int index, List<(int, int)> outer,
        List<StepResult> results, bool checkEveryStep, Action<StepResult>? onStep)
    {
        for (var pass = 0; pass < repeat.Times; pass++)
        {
            for (var inner = 0; inner < repeat.Body.Count; inner++)
            {
                outer.Add((pass, inner));
                if (repeat.Body[inner] is RepeatStep nested)
                {
                    RunRepeat(machine, schema, nested, index, outer, results, checkEveryStep, onStep);
                }
                else
                {
                    var (it, n) = outer[0];
                    results.Add(RunOne(machine, schema, repeat.Body[inner], index, it, n, outer.GetRange(1, outer.Count - 1), checkEveryStep, onStep));
                }
                outer.RemoveAt(outer.Count - 1);
            }
        }
    }

    private static StepResult RunOne(IMachine machine, ResultSchema schema, ScenarioStep step, int index, int? pass, int? inner,
        List<(int, int)> nested, bool checkEveryStep, Action<StepResult>? onStep)
    {
        var start = Stopwatch.GetTimestamp();
        var (error, outcome) = Execute(machine, step);
        var wallMs = ResultFields.RoundTiming(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        var result = new StepResult(index, pass, inner, step.Op, outcome, schema.Step(step.Op), schema.Devices, error, wallMs,
            nested.Count > 0 ? nested : null);
        if (checkEveryStep)
        {
            result.Invariants = machine.Check();
        }
        if (step.Expect.Count > 0)
        {
            ExpectationChecker.Check(result, step.Expect, result.ExpectFailures);
        }
        onStep?.Invoke(result);
        return result;
    }

    /// <summary>Runs a device-mirror step (also for hosts that dispatch steps themselves).</summary>
    internal static (Errno Error, OpResult Result) ExecuteMirror(IMachine m, DeviceMirrorStep s)
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
                return (e, e == Errno.None ? r : new DeviceAccessResult());
            }
            case "snapshot":
            {
                var r = new SnapshotResult();
                var e = m.Snapshot(s.Device, s.Proc!, s.Vma!, s.Range, r);
                return (e, e == Errno.None ? r : new SnapshotResult());
            }
            case "evict":
            {
                long migrated;
                var e = s.Range == PageRange.All ? m.Evict(s.Device, out migrated) : m.Evict(s.Device, s.Range, out migrated);
                return (e, new PageCountResult(e == Errno.None ? migrated : 0));
            }
            default:
                throw new InvalidOperationException($"{s.Path}: op '{s.Op}' cannot run here");
        }
    }

    /// <summary>
    /// Runs one non-repeat step whole and gives its typed result: zeros when it failed, so that only the error
    /// tells a failed step apart (hosts raise their events from the result of a step that succeeded).
    /// </summary>
    internal static (Errno Error, OpResult Result) Execute(IMachine m, ScenarioStep step)
    {
        var devices = m.Config.DeviceList;
        switch (step)
        {
            case ProcessStep s:
                return (m.CreateProcess(s.Name), NoOpResult.Instance);
            case MmapStep s:
                return (m.Mmap(s.Proc, s.Vma, s.Pages, s.Kind, s.Writable, s.Thp), NoOpResult.Instance);
            case TouchStep s:
            {
                var e = m.Touch(s.Proc, s.Vma, s.Range, s.Access, s.Salt, out var f);
                return (e, new TouchResult(e == Errno.None ? f : default));
            }
            case ForkStep s:
                return (m.Fork(s.Proc, s.Child), NoOpResult.Instance);
            case PinStep s:
            {
                var e = s.Longterm
                    ? m.PinLongterm(s.Proc, s.Vma, s.Range, s.Every, out var pages)
                    : m.Pin(s.Proc, s.Vma, s.Range, s.Every, s.Take, out pages);
                return (e, new PageCountResult(e == Errno.None ? pages : 0));
            }
            case LockStep s:
            {
                var e = m.Lock(s.Proc, s.Vma, s.Range, s.Every, s.Take, out var pages);
                return (e, new PageCountResult(e == Errno.None ? pages : 0));
            }
            case SwapOutStep s:
            {
                var e = m.SwapOut(s.Proc, s.Vma, s.Range, s.Every, out var swapped);
                return (e, new PageCountResult(e == Errno.None ? swapped : 0));
            }
            case MprotectStep s:
                return (m.Mprotect(s.Proc, s.Vma, s.Writable), NoOpResult.Instance);
            case MunmapStep s:
                return (m.Munmap(s.Proc, s.Vma), NoOpResult.Instance);
            case MigrateStep s:
            {
                var r = new MigrateResult();
                var e = m.Migrate(s.Request, r);
                return (e, e == Errno.None ? r : new MigrateResult());
            }
            case VerifyStep s:
            {
                var r = new VerifyResult { Device = new long[devices.Count] };
                var e = m.Verify(s.Proc, s.Vma, s.Range, s.Pattern, s.Salt, r);
                return (e, e == Errno.None ? r : new VerifyResult());
            }
            case StatsStep:
                return (Errno.None, m.Stats());
            case CheckStep:
                return (Errno.None, m.Check());
            case DeviceMirrorStep s:
                return ExecuteMirror(m, s);
            case WorkloadStep s:
            {
                var r = new WorkloadResult();
                var e = m.Workload(s.Request, r);
                return (e, e == Errno.None ? r : new WorkloadResult());
            }
            default:
                throw new InvalidOperationException($"{step.Path}: op '{step.Op}' cannot run here");
        }
    }
}
