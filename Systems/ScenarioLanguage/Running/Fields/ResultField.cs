using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ScenarioLanguage.Running.Fields;

/// <summary>
/// One value of the result document: its name, type, unit and title, whether it is timing, and a typed
/// accessor. The accessor is a lambda over the op's typed result (<see cref="MigrateResult"/>,
/// <see cref="TouchResult"/>, …), so renaming a property breaks the build, not a run.
/// </summary>
public sealed class ResultField : FieldNode
{
    private readonly Func<StepResult, FieldValue> _read;

    private ResultField(string key, FieldType type, string unit, string title, bool isTiming,
        Func<StepResult, FieldValue> read, Func<StepResult, bool>? when)
        : base(key, when)
    {
        Type = type;
        Unit = unit;
        Title = title;
        IsTiming = isTiming;
        _read = read;
    }

    /// <summary>The type the accessor gives.</summary>
    public FieldType Type { get; }

    /// <summary>What it counts in (<see cref="FieldUnits"/>); empty for none.</summary>
    public string Unit { get; }

    /// <summary>A short human title, e.g. <c>device time of the copy</c>.</summary>
    public string Title { get; }

    /// <summary>
    /// True for a time that differs between runs and engines (<c>wallMs</c>, <c>copy.deviceTimeUs</c>);
    /// a document written without timing shows 0 there.
    /// </summary>
    public bool IsTiming { get; }

    /// <summary>The axis title: the title and the unit, e.g. <c>device time of the copy (µs)</c>.</summary>
    public string AxisTitle => Unit.Length == 0 ? Title : $"{Title} ({Unit})";

    /// <summary>The value in <paramref name="step"/> (the step must be of an op that has this field).</summary>
    public FieldValue Read(StepResult step) => _read(step);

    /// <summary>The value as a document writes it: timing fields read 0 without timing.</summary>
    public FieldValue Document(StepResult step, bool includeTiming) => IsTiming && !includeTiming ? FieldValue.Of(0.0) : _read(step);

    /// <summary>A count read from the op's typed result.</summary>
    internal static ResultField Count<T>(string key, string unit, string title, Func<T, long> read) where T : OpResult =>
        new(key, FieldType.Integer, unit, title, false, s => FieldValue.Of(read(Op<T>(s))), null);

    /// <summary>A time read from the op's typed result, rounded as the document shows it.</summary>
    internal static ResultField Timing<T>(string key, string unit, string title, Func<T, double> read) where T : OpResult =>
        new(key, FieldType.Double, unit, title, true, s => FieldValue.Of(ResultFields.RoundTiming(read(Op<T>(s)))), null);

    /// <summary>A list of strings read from the op's typed result.</summary>
    internal static ResultField Strings<T>(string key, string title, Func<T, IReadOnlyList<string>> read) where T : OpResult =>
        new(key, FieldType.StringList, FieldUnits.None, title, false, s => FieldValue.Of(read(Op<T>(s))), null);

    /// <summary>A field of the step itself (index, op, wall time…), present where <paramref name="when"/> says.</summary>
    internal static ResultField OfStep(string key, FieldType type, string unit, string title, Func<StepResult, FieldValue> read,
        Func<StepResult, bool>? when = null, bool isTiming = false) =>
        new(key, type, unit, title, isTiming, read, when);

    /// <summary>A field of any type and accessor, for documents no op has (tests check booleans and doubles with it).</summary>
    internal static ResultField Custom(string key, FieldType type, Func<StepResult, FieldValue> read) =>
        new(key, type, FieldUnits.None, key, false, read, null);

    private static T Op<T>(StepResult s) where T : OpResult =>
        s.Result as T ?? throw new InvalidOperationException($"a '{s.Op}' step holds a {s.Result.GetType().Name}, not a {typeof(T).Name}");
}
