namespace HmmEcs.Engine;

/// <summary>A component type as one world registered it.</summary>
/// <param name="Id">The world's id for the type (0..255), its bit in signatures.</param>
/// <param name="Type">The CLR type.</param>
/// <param name="ByteSize">Bytes per row; 0 for a zero-size tag (no column).</param>
/// <param name="IsEnableable">True for an enableable tag (a bit per row in each chunk).</param>
public readonly record struct ComponentType(int Id, Type Type, int ByteSize, bool IsEnableable)
{
    /// <summary>True for a zero-size tag: it has no column.</summary>
    public bool IsTag => ByteSize == 0;
}
