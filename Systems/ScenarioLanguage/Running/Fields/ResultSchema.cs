using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ScenarioLanguage.Running.Fields;

/// <summary>
/// The step documents of one machine: <see cref="ResultFields"/> with the per-device keys spelled out for its
/// devices, one tree per op, built on first use. One run (or one hosted simulation) holds one; not thread-safe.
/// </summary>
public sealed class ResultSchema
{
    private readonly Dictionary<string, FieldGroup> _steps = new(StringComparer.Ordinal);

    /// <summary>The schema of a machine with <paramref name="devices"/>, in config order.</summary>
    public ResultSchema(IReadOnlyList<DeviceConfig> devices)
    {
        var names = new string[devices.Count];
        for (var d = 0; d < names.Length; d++)
        {
            names[d] = devices[d].Name;
        }
        Devices = names;
    }

    /// <summary>The device names, in config order: the keys of <c>resident.NAME</c> and <c>devices.NAME.*</c>.</summary>
    public IReadOnlyList<string> Devices { get; }

    /// <summary>The whole document of a step of <paramref name="op"/>: common keys and the op's own, in document order.</summary>
    public FieldGroup Step(string op)
    {
        if (!_steps.TryGetValue(op, out var tree))
        {
            tree = ResultFields.Step(ResultFields.ForOpDocument(op, Devices));
            _steps[op] = tree;
        }
        return tree;
    }
}
