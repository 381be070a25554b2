using System.Diagnostics;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Systems.Hosting;

public sealed partial class HostSimulation
{
    /// <summary>
    /// Runs the next step whole and returns its result; a migrate step that ticks had started finishes its
    /// remaining pages in one call. Throws <see cref="InvalidOperationException"/> when the run is finished.
    /// </summary>
    public StepResult Step()
    {
        if (Finished)
        {
            throw new InvalidOperationException("the simulation has run every step");
        }
        if (_current is { } m)
        {
            m.Run(Machine, m.End);
            return CompleteMigration(m);
        }
        return RunWhole(_plan[_next]);
    }

    /// <summary>Runs every remaining step; returns all results so far.</summary>
    public IReadOnlyList<StepResult> RunToEnd()
    {
        while (!Finished)
        {
            Step();
        }
        return _results;
    }

    /// <summary>
    /// Advances by one frame: runs steps in order until <paramref name="pageBudget"/> pages of migrate ranges have
    /// been handed to the machine. A migrate step is cut into ascending sub-ranges whose inner boundaries are
    /// multiples of <see cref="AlignmentPages"/> (VMA-relative), so the summed outcome equals one call; a budget
    /// below that unit still runs one unit. Other steps cost nothing against the budget and run whole. A migrate
    /// that cannot be cut (fault injection, races, a VMA the plan did not create, a range that fails validation) runs whole,
    /// as the only migrate work of its tick (which it then ends).
    /// </summary>
    public TickReport Tick(long pageBudget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageBudget, 1);
        long pages = 0;
        int calls = 0, completed = 0;
        while (!Finished && pages < pageBudget)
        {
            if (_current is null)
            {
                var planned = _plan[_next];
                if (planned.Step is MigrateStep ms)
                {
                    if (!TryBegin(ms.Request, out var started))
                    {
                        // An uncut migrate is the only migrate work of its tick: it waits for a fresh tick, and ends it.
                        if (pages > 0)
                        {
                            break;
                        }
                        var result = RunWhole(planned);
                        pages += result.Result is MigrateResult whole ? whole.Requested : 0;
                        calls++;
                        completed++;
                        break;
                    }
                    _current = started;
                }
                else
                {
                    RunWhole(planned);
                    completed++;
                    continue;
                }
            }
            var m = _current ?? throw new InvalidOperationException("no migrate in progress");
            var end = m.NextEnd(pageBudget - pages, pages > 0);
            if (end < 0)
            {
                break;
            }
            var from = m.Position;
            pages += end - from;
            calls++;
            m.Run(Machine, end);
            if (MigrationSliceCompleted is { } onSlice && m.Error == Errno.None)
            {
                onSlice(m.Request with { Range = new PageRange(from, end - from) }, m.LastSlice);
            }
            if (m.Done)
            {
                CompleteMigration(m);
                completed++;
            }
        }
        return new TickReport(pages, calls, completed, Finished);
    }

    private bool TryBegin(MigrateRequest request, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BudgetedMigration? started)
    {
        started = null;
        // Injection counts its every-k-th pages from the range's first page: sub-ranges would shift that pattern; races
        // run at the boundaries of one call, which sub-ranges would repeat.
        if (!request.Inject.IsEmpty || request.Races is { Count: > 0 })
        {
            return false;
        }
        var vmaPages = _vmas.Pages(request.Proc, request.Vma);
        if (vmaPages < 0 || !request.Range.TryResolve(vmaPages, out var first, out var count))
        {
            return false;
        }
        started = new BudgetedMigration(request, first, count, _unit);
        return true;
    }

    private StepResult RunWhole(PlannedStep planned)
    {
        var start = Stopwatch.GetTimestamp();
        var (error, outcome) = ScenarioRunner.Execute(Machine, planned.Step);
        var wallMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (error == Errno.None)
        {
            if (outcome is TouchResult t && planned.Step is TouchStep touch)
            {
                Faulted?.Invoke(touch, t.Faults);
            }
            if (outcome is MigrateResult migrate && planned.Step is MigrateStep ms)
            {
                MigrationCompleted?.Invoke(ms.Request, migrate);
            }
        }
        return Complete(planned, error, outcome, wallMs);
    }

    private StepResult CompleteMigration(BudgetedMigration m)
    {
        _current = null;
        var planned = _plan[_next];
        var ok = m.Error == Errno.None;
        var wallMs = m.WallTicks * 1000.0 / Stopwatch.Frequency;
        if (ok)
        {
            MigrationCompleted?.Invoke(m.Request, m.Summed);
        }
        return Complete(planned, m.Error, ok ? m.Summed : new MigrateResult(), wallMs);
    }

    private StepResult Complete(PlannedStep planned, Errno error, OpResult outcome, double wallMs)
    {
        _vmas.Follow(planned.Step, error);
        var result = new StepResult(planned.Index, planned.Iteration, planned.Inner, planned.Step.Op, outcome,
            _schema.Step(planned.Step.Op), _schema.Devices, error, ResultFields.RoundTiming(wallMs), planned.Nested);
        if (CheckEveryStep)
        {
            result.Invariants = Machine.Check();
        }
        if (planned.Step.Expect.Count > 0)
        {
            ExpectationChecker.Check(result, planned.Step.Expect, result.ExpectFailures);
        }
        _results.Add(result);
        _next++;
        StepCompleted?.Invoke(result);
        return result;
    }
}
