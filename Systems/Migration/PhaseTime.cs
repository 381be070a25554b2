namespace HmmEcs.Systems.Migration;

/// <summary>How long one phase of the last migration took.</summary>
public readonly record struct PhaseTime(string Phase, double Microseconds);
