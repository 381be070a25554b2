using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ReferenceEngine;

namespace HmmEcs.Systems.ScenarioLanguage.Running;

/// <summary>Builds a machine of either engine by its name as results print it.</summary>
public static class MachineFactory
{
    /// <summary>The engine names <see cref="Create"/> accepts, default first.</summary>
    public static IReadOnlyList<string> Engines { get; } = ["ecs", "reference"];

    /// <summary>A new machine of <paramref name="engine"/> (<c>ecs</c> or <c>reference</c>).</summary>
    public static IMachine Create(string engine, MachineConfig config) => engine switch
    {
        "ecs" => new EcsMachine(config),
        "reference" => new ReferenceMachine(config),
        _ => throw new ArgumentException($"unknown engine '{engine}' (expected ecs or reference)", nameof(engine)),
    };
}
