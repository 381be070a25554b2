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
    public static (Errno Error, JsonObject Fields) Execute(IMachine m, ScenarioStep step, out FaultCounts? faults, out MigrateResult? migrate) =>
        ScenarioRunner.Execute(m, step, out faults, out migrate);
}
