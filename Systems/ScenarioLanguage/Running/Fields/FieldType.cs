namespace HmmEcs.Systems.ScenarioLanguage.Running.Fields;

/// <summary>The type of a result field: what its accessor gives and how the document writes it.</summary>
public enum FieldType
{
    /// <summary>A 64-bit integer (a count), written as a JSON number.</summary>
    Integer,

    /// <summary>A double (a time), written as a JSON number in its shortest round-trip form.</summary>
    Double,

    /// <summary>A string, or null (<c>error</c> on success).</summary>
    String,

    /// <summary>true or false.</summary>
    Bool,

    /// <summary>A list of strings (<c>details</c>, <c>expectFailures</c>), written as a JSON array.</summary>
    StringList,

    /// <summary>The (iteration, inner) pairs of nested repeats (<c>nested</c>), written as an array of objects.</summary>
    RepeatLevels,
}
