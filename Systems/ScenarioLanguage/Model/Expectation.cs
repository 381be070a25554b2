using System.Text.Json.Nodes;

namespace HmmEcs.Systems.ScenarioLanguage.Model;

/// <summary>One entry of a step's <c>expect</c>: a dotted path into the step's own result and the exact value it must hold.</summary>
/// <param name="Path">Dotted path, e.g. <c>reasons.pinned</c>.</param>
/// <param name="Value">A number, string or boolean; null for JSON null.</param>
public sealed record Expectation(string Path, JsonNode? Value);
