namespace HmmEcs.Systems.ScenarioLanguage.Running.Fields;

/// <summary>
/// A key of the result document: a <see cref="ResultField"/> (a value) or a <see cref="FieldGroup"/> (an object
/// of further keys). Some keys appear only in some steps (<c>iteration</c> inside a repeat, <c>invariants</c>
/// when every step is checked); <see cref="IsIn"/> says whether a step has it.
/// </summary>
public abstract class FieldNode
{
    private readonly Func<StepResult, bool>? _when;

    private protected FieldNode(string key, Func<StepResult, bool>? when)
    {
        Key = key;
        Path = key;
        _when = when;
    }

    /// <summary>The key in its object, e.g. <c>pinned</c>.</summary>
    public string Key { get; }

    /// <summary>The dotted path from the step, e.g. <c>reasons.pinned</c>: the name <c>expect</c>, the tables and the docs use.</summary>
    public string Path { get; private set; }

    /// <summary>True when <paramref name="step"/>'s document has this key.</summary>
    public bool IsIn(StepResult step) => _when is null || _when(step);

    /// <summary>Sets the path under a group whose path is <paramref name="prefix"/> ("" at the step's top level).</summary>
    internal virtual void PlaceUnder(string prefix) => Path = prefix.Length == 0 ? Key : $"{prefix}.{Key}";
}
