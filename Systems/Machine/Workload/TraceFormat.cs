namespace HmmEcs.Systems.Machine;

/// <summary>How a <c>trace</c> pattern's accesses are written (docs/scenarios.md, "Traces").</summary>
public enum TraceFormat
{
    /// <summary>Text: one access a line, <c>page,kind[,time]</c>, an optional header.</summary>
    Csv,
    /// <summary>A 16-byte header then little-endian 8-byte records (16 with times).</summary>
    Binary,
}

/// <summary>A trace that cannot be read: <see cref="Line"/> is the 1-based line (CSV) or record (binary) at fault, 0 for the whole trace.</summary>
public sealed class TraceFormatException(string trace, string unit, long line, string problem)
    : Exception(line == 0 ? $"{trace}: {problem}" : $"{trace} {unit} {line}: {problem}")
{
    /// <summary>The line (CSV) or record (binary), from 1; 0 when the problem is the trace as a whole.</summary>
    public long Line { get; } = line;
}
