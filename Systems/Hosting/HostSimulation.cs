using HmmEcs.Components.Migration;
using HmmEcs.Engine;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage;
using HmmEcs.Systems.ScenarioLanguage.Loading;
using HmmEcs.Systems.ScenarioLanguage.Model;
using HmmEcs.Systems.ScenarioLanguage.Running;
using HmmEcs.Systems.ScenarioLanguage.Running.Fields;

namespace HmmEcs.Systems.Hosting;

/// <summary>
/// A simulation embedded in a host loop (a game engine's frame loop, a tool): a machine of either engine and a
/// plan of steps, from a scenario or added from code. The host runs it a step at a time (<see cref="Step"/>),
/// all at once (<see cref="RunToEnd"/>), or under a per-frame page budget (<see cref="Tick"/>), and observes it
/// through events. Not thread-safe: one host thread drives it. See docs/hosting.md.
/// </summary>
public sealed partial class HostSimulation : IDisposable
{
    private readonly List<PlannedStep> _plan = [];
    private readonly List<StepResult> _results = [];
    private readonly VmaTable _vmas = new();
    private readonly ResultSchema _schema;
    private readonly long _unit;
    private int _next;
    private int _topLevelSteps;
    private BudgetedMigration? _current;

    private HostSimulation(IMachine machine, string name)
    {
        Machine = machine;
        Name = name;
        _unit = BudgetedMigration.UnitFor(machine.Config);
        _schema = new ResultSchema(machine.Config.DeviceList);
    }

    /// <summary>Raised when a step completes, with its result (the same shape <see cref="ScenarioRunner"/> gives).</summary>
    public event Action<StepResult>? StepCompleted;

    /// <summary>
    /// Raised when a <c>migrate</c> step completes without error: the step's request and its result (for a migrate
    /// spread over ticks, the sum of its sub-ranges, with the per-page outcomes of the whole range).
    /// </summary>
    public event Action<MigrateRequest, MigrateResult>? MigrationCompleted;

    /// <summary>Raised after each sub-range of a migrate spread over ticks: the sub-range's request and its own result (reused: copy what you keep).</summary>
    public event Action<MigrateRequest, MigrateResult>? MigrationSliceCompleted;

    /// <summary>Raised when a <c>touch</c> step completes without error: the step and the faults it took, by kind.</summary>
    public event Action<TouchStep, FaultCounts>? Faulted;

    /// <summary>The machine (either engine). Calls made on it directly bypass the plan, the events and the VMA sizes the budget needs.</summary>
    public IMachine Machine { get; }

    /// <summary>The scenario's name, or the name given when built from code.</summary>
    public string Name { get; }

    /// <summary>Runs the invariant checker after every step (results then carry <c>Invariants</c>), as <c>--check</c> does.</summary>
    public bool CheckEveryStep { get; set; }

    /// <summary>Results of the completed steps, in order.</summary>
    public IReadOnlyList<StepResult> Results => _results;

    /// <summary>Steps in the plan (repeats unrolled).</summary>
    public int StepCount => _plan.Count;

    /// <summary>Steps completed so far.</summary>
    public int StepsCompleted => _next;

    /// <summary>True when every planned step has run.</summary>
    public bool Finished => _next >= _plan.Count;

    /// <summary>Pages of the migrate step in progress still to run, 0 when none is in progress.</summary>
    public long PendingMigratePages => _current is null ? 0 : _current.End - _current.Position;

    /// <summary>
    /// The boundary alignment of sub-ranges: lcm of 512 (the PMD span) and every device's <c>chunkPages</c>. A tick
    /// whose budget is smaller still runs one sub-range of up to this many pages.
    /// </summary>
    public long AlignmentPages => _unit;

    /// <summary>Every live VMA the plan has created so far, as (process, VMA, pages).</summary>
    public IEnumerable<(string Proc, string Vma, long Pages)> Vmas => _vmas.All();

    /// <summary>The semantics profile the machine follows (the scenario's <c>profile</c>, or <see cref="MachineConfig.Profile"/>).</summary>
    public SemanticsProfile Profile => Machine.Config.Profile;

    /// <summary>
    /// Loads the scenario file at <paramref name="path"/> and builds its machine on <paramref name="engine"/> (<c>ecs</c> or
    /// <c>reference</c>); <paramref name="profile"/>, when given, replaces the file's <c>profile</c> (as <c>--profile</c> does).
    /// </summary>
    public static HostSimulation FromFile(string path, string engine = "ecs", SemanticsProfile? profile = null) =>
        FromScenario(ScenarioLoader.LoadFile(path, profile), engine);

    /// <summary>Parses scenario JSON text and builds its machine on <paramref name="engine"/>; <paramref name="profile"/> as in <see cref="FromFile"/>.</summary>
    public static HostSimulation FromJson(string json, string engine = "ecs", string name = "scenario", SemanticsProfile? profile = null) =>
        FromScenario(ScenarioLoader.Parse(json, name, profile), engine);

    /// <summary>Builds the machine of a loaded scenario on <paramref name="engine"/>, with its steps as the plan.</summary>
    public static HostSimulation FromScenario(Scenario scenario, string engine = "ecs")
    {
        var sim = new HostSimulation(MachineFactory.Create(engine, scenario.Machine), scenario.Name);
        PlannedStep.Unroll(scenario.Steps, sim._plan);
        sim._topLevelSteps = scenario.Steps.Count;
        return sim;
    }

    /// <summary>
    /// A machine of <paramref name="config"/> on <paramref name="engine"/> with an empty plan: add steps with the builder methods.
    /// A <see cref="MachineConfig.Profile"/> that does not run yet throws <see cref="NotSupportedException"/> naming <c>profile</c>.
    /// </summary>
    public static HostSimulation FromConfig(MachineConfig config, string engine = "ecs", string name = "hosted") =>
        new(MachineFactory.Create(engine, config), name);

    /// <summary>
    /// Inserts <paramref name="system"/> into the ECS migration pipeline before or after <paramref name="phase"/>
    /// (see <see cref="EcsMachine.InsertSystem"/>). The reference engine has no systems: it throws <see cref="NotSupportedException"/>.
    /// </summary>
    public void InsertSystem(MigrationPhase phase, Position position, ISystem<MigrationContext> system)
    {
        if (Machine is not EcsMachine ecs)
        {
            throw new NotSupportedException($"the {Machine.EngineName} engine has no migration systems to insert into; use the ecs engine");
        }
        ecs.InsertSystem(phase, position, system);
    }

    /// <summary>Disposes the machine.</summary>
    public void Dispose() => Machine.Dispose();
}
