using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ScenarioLanguage.Model;

/// <summary>A validated scenario: the machine it builds and the steps it runs (docs/scenarios.md).</summary>
/// <param name="Name">Shown in output; the file name when the file gives none.</param>
/// <param name="Machine">RAM, payload, seed and devices.</param>
/// <param name="Steps">Top-level steps in order; <see cref="RepeatStep"/> holds its body.</param>
public sealed record Scenario(string Name, MachineConfig Machine, IReadOnlyList<ScenarioStep> Steps)
{
    /// <summary>The seed every random choice derives from.</summary>
    public int Seed => Machine.Seed;

    /// <summary>The payload mode as results print it.</summary>
    public string PayloadName => Machine.Payload == PayloadMode.Bytes ? "bytes" : "token";
}
