using System.Text.Json;
using System.Text.Json.Nodes;

namespace HmmEcs.Systems.ScenarioLanguage.Running;

/// <summary>The result of a whole run: scenario, engine, profile, seed, payload, ok, and every executed step in order.</summary>
public sealed class ScenarioResult
{
    // Relaxed escaping keeps names readable ("a<b" stays as written); the output is data, never embedded in HTML.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal ScenarioResult(string scenario, string engine, string profile, int seed, string payload, double setupMs, IReadOnlyList<StepResult> steps)
    {
        Profile = profile;
        SetupMs = setupMs;
        Scenario = scenario;
        Engine = engine;
        Seed = seed;
        Payload = payload;
        Steps = steps;
    }

    /// <summary>The scenario's name.</summary>
    public string Scenario { get; }

    /// <summary>The engine that ran it.</summary>
    public string Engine { get; }

    /// <summary>The semantics profile the machine followed (<see cref="Machine.SemanticsProfiles.Names"/>).</summary>
    public string Profile { get; }

    /// <summary>The seed.</summary>
    public int Seed { get; }

    /// <summary><c>token</c> or <c>bytes</c>.</summary>
    public string Payload { get; }

    /// <summary>
    /// Wall time of building the machine (its RAM frames and device pages) before the first step, in ms: at 10^7 pages
    /// it is seconds, and no step would show it. 0 when the caller built the machine and did not time it.
    /// </summary>
    public double SetupMs { get; }

    /// <summary>Every executed step; a repeat contributes one entry per inner step per pass.</summary>
    public IReadOnlyList<StepResult> Steps { get; }

    /// <summary>True when every expectation held and no invariant broke (exit code 0).</summary>
    public bool Ok
    {
        get
        {
            foreach (var s in Steps)
            {
                if (!s.Ok)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>
    /// The result document of docs/scenarios.md. <paramref name="includeTiming"/> false zeroes the timing fields
    /// (<c>setupMs</c>, <c>wallMs</c>, <c>copy.deviceTimeUs</c>) so that results of the two engines compare equal.
    /// </summary>
    public JsonObject ToJson(bool includeTiming = true)
    {
        var steps = new JsonArray();
        foreach (var s in Steps)
        {
            steps.Add((JsonNode)s.ToJson(includeTiming));
        }
        return new JsonObject
        {
            ["scenario"] = Scenario,
            ["engine"] = Engine,
            ["profile"] = Profile,
            ["seed"] = Seed,
            ["payload"] = Payload,
            ["setupMs"] = includeTiming ? SetupMs : 0,
            ["ok"] = Ok,
            ["steps"] = steps,
        };
    }

    /// <summary>The result document as indented JSON text.</summary>
    public string ToJsonString(bool includeTiming = true) => ToJson(includeTiming).ToJsonString(Indented);
}
