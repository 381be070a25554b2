using System.Globalization;
using System.Text.Json.Nodes;
using HmmEcs.Systems.ScenarioLanguage.Loading;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// The override paths of <c>--set</c>: field names, array indexes and step ids, e.g. <c>seed</c>,
/// <c>devices[0].maxBatchPages</c>, <c>steps[4].to</c>, <c>steps[2].steps[0].count</c>, <c>steps[mig].to</c>
/// (the element of <c>steps</c> whose <c>"id"</c> is <c>mig</c>: a name that does not shift when steps are added).
/// </summary>
public static class JsonPath
{
    /// <summary>
    /// One step of a path: a field name; or, when <see cref="Name"/> is null, an array element by
    /// <see cref="Id"/> (the element whose <c>"id"</c> is it) or else by <see cref="Index"/>.
    /// </summary>
    public readonly record struct Segment(string? Name, int Index, string? Id = null)
    {
        /// <summary>The segment as the path writes it.</summary>
        public override string ToString() => Name ?? (Id is not null ? $"[{Id}]" : $"[{Index}]");
    }

    /// <summary>Splits a path into segments; a malformed path is a <see cref="SweepException"/>.</summary>
    public static IReadOnlyList<Segment> Parse(string path)
    {
        var segments = new List<Segment>();
        var i = 0;
        while (i < path.Length)
        {
            if (path[i] == '[')
            {
                var close = path.IndexOf(']', i);
                var inside = close < 0 ? "" : path[(i + 1)..close];
                if (int.TryParse(inside, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(new Segment(null, index));
                }
                else if (StepParser.IsStepId(inside))
                {
                    segments.Add(new Segment(null, 0, inside));
                }
                else
                {
                    throw new SweepException($"--set {path}: bad index at character {i + 1} (expected [N] or a step id [name])");
                }
                i = close + 1;
                if (i < path.Length && path[i] == '.')
                {
                    i++;
                    if (i == path.Length)
                    {
                        throw new SweepException($"--set {path}: path ends with '.'");
                    }
                }
                continue;
            }
            var end = i;
            while (end < path.Length && path[end] != '.' && path[end] != '[')
            {
                end++;
            }
            if (end == i)
            {
                throw new SweepException($"--set {path}: empty field name at character {i + 1}");
            }
            segments.Add(new Segment(path[i..end], 0));
            i = end;
            if (i < path.Length && path[i] == '.')
            {
                i++;
                if (i == path.Length)
                {
                    throw new SweepException($"--set {path}: path ends with '.'");
                }
            }
        }
        if (segments.Count == 0)
        {
            throw new SweepException("--set: empty path");
        }
        return segments;
    }

    /// <summary>
    /// Sets <paramref name="path"/> in <paramref name="root"/> to <paramref name="value"/>. Missing objects on the way are
    /// created (<c>ram.pages</c> in a file without <c>ram</c>); arrays and their elements must exist. The loader then
    /// judges the result. A miss names the path.
    /// </summary>
    public static void Set(JsonNode root, string path, JsonNode? value)
    {
        var segments = Parse(path);
        var at = root;
        var walked = "";
        for (var k = 0; k < segments.Count; k++)
        {
            var s = segments[k];
            var last = k == segments.Count - 1;
            if (s.Name is { } name)
            {
                if (at is not JsonObject obj)
                {
                    throw new SweepException($"--set {path}: {Where(walked)} is not an object, so it has no field '{name}'");
                }
                if (last)
                {
                    obj[name] = value;
                    return;
                }
                walked = walked.Length == 0 ? name : $"{walked}.{name}";
                if (!obj.TryGetPropertyValue(name, out var next) || next is null)
                {
                    if (segments[k + 1].Name is null)
                    {
                        throw new SweepException($"--set {path}: {walked} does not exist, so it has no {segments[k + 1]}");
                    }
                    next = new JsonObject();
                    obj[name] = next;
                }
                at = next;
            }
            else
            {
                if (at is not JsonArray arr)
                {
                    throw new SweepException($"--set {path}: {Where(walked)} is not an array, so it has no {s}");
                }
                var index = s.Id is { } id ? IndexOfId(arr, id, path, walked) : s.Index;
                if (index >= arr.Count)
                {
                    throw new SweepException($"--set {path}: {Where(walked)} has {arr.Count} elements, so it has no [{index}]");
                }
                if (last)
                {
                    arr[index] = value;
                    return;
                }
                walked += s.ToString();
                at = arr[index]!;
                if (at is null)
                {
                    throw new SweepException($"--set {path}: {walked} is null");
                }
            }
        }
    }

    private static int IndexOfId(JsonArray arr, string id, string path, string walked)
    {
        for (var i = 0; i < arr.Count; i++)
        {
            if (arr[i] is JsonObject o && o["id"] is JsonValue v && v.TryGetValue<string>(out var s) && s == id)
            {
                return i;
            }
        }
        throw new SweepException($"--set {path}: {Where(walked)} has no element with \"id\": \"{id}\"");
    }

    private static string Where(string walked) => walked.Length == 0 ? "the scenario" : walked;
}
