using System.Text.Json.Nodes;

namespace HmmEcs.Systems.ScenarioLanguage.Running.Fields;

/// <summary>
/// An object of the result document (<c>reasons</c>, <c>copy</c>, <c>devices.gpu0</c>, or a whole step): its keys
/// in document order. It writes its part of the document and resolves dotted paths for <c>expect</c>.
/// </summary>
public sealed class FieldGroup : FieldNode
{
    internal FieldGroup(string key, IReadOnlyList<FieldNode> children, Func<StepResult, bool>? when = null)
        : base(key, when)
    {
        Children = children;
        // A step's own group (key "") leaves its children's paths alone: they are already their top-level paths,
        // and the shared static keys (index, reasons, copy…) are then only ever placed while the registry is built.
        if (key.Length > 0)
        {
            PlaceUnder("");
        }
    }

    /// <summary>The keys in document order.</summary>
    public IReadOnlyList<FieldNode> Children { get; }

    /// <summary>Every value under this group, depth first in document order (a table's columns, for one).</summary>
    public IEnumerable<ResultField> Leaves()
    {
        foreach (var child in Children)
        {
            if (child is ResultField f)
            {
                yield return f;
            }
            else
            {
                foreach (var leaf in ((FieldGroup)child).Leaves())
                {
                    yield return leaf;
                }
            }
        }
    }

    /// <summary>This group's part of <paramref name="step"/>'s document; without timing, timing fields read 0.</summary>
    public JsonObject ToJson(StepResult step, bool includeTiming = true)
    {
        var o = new JsonObject();
        foreach (var child in Children)
        {
            if (!child.IsIn(step))
            {
                continue;
            }
            // The indexer, not Add: a key given twice (a device named "hole" in resident) keeps its first place
            // with the last value, as the document has always shown it.
            o[child.Key] = child switch
            {
                ResultField f => f.Document(step, includeTiming).ToJsonNode(),
                FieldGroup g => g.ToJson(step, includeTiming),
                _ => throw new InvalidOperationException($"unknown field node {child.GetType().Name}"),
            };
        }
        return o;
    }

    /// <summary>
    /// Follows a dotted path (<c>reasons.pinned</c>) through the keys <paramref name="step"/> has; false when a
    /// segment is missing or the path goes on past a value.
    /// </summary>
    public bool TryResolve(StepResult step, string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FieldNode? node)
    {
        node = this;
        foreach (var part in path.Split('.'))
        {
            if (node is not FieldGroup group || group.Child(step, part) is not { } next)
            {
                node = null;
                return false;
            }
            node = next;
        }
        return true;
    }

    internal override void PlaceUnder(string prefix)
    {
        base.PlaceUnder(prefix);
        foreach (var child in Children)
        {
            child.PlaceUnder(Path);
        }
    }

    /// <summary>The key's node in <paramref name="step"/>; the last one where a key is given twice, as the document keeps its value.</summary>
    private FieldNode? Child(StepResult step, string key)
    {
        for (var i = Children.Count - 1; i >= 0; i--)
        {
            if (Children[i].Key == key && Children[i].IsIn(step))
            {
                return Children[i];
            }
        }
        return null;
    }
}
