using System.Globalization;
using System.Text.Json.Nodes;

namespace HmmEcs.Cli.Experiments.Sweeps;

/// <summary>
/// The override paths of <c>--set</c>: field names and array indexes, e.g. <c>seed</c>,
/// <c>devices[0].maxBatchPages</c>, <c>steps[4].to</c>, <c>steps[2].steps[0].count</c>.
/// </summary>
public static class JsonPath
{
    /// <summary>One step of a path: a field name, or (when <see cref="Name"/> is null) an array index.</summary>
    public readonly record struct Segment(string? Name, int Index);

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
                if (close < 0 || !int.TryParse(path.AsSpan(i + 1, close - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    throw new SweepException($"--set {path}: bad index at character {i + 1} (expected [N])");
                }
                segments.Add(new Segment(null, index));
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
    /// Sets <paramref name="path"/> in <paramref name="root"/> to <paramref name="value"/>. Every container on the
    /// way must exist; the last field may be new (the loader then judges it). A miss names the path.
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
                if (!obj.TryGetPropertyValue(name, out var next) || next is null)
                {
                    throw new SweepException($"--set {path}: {Where(walked)} has no field '{name}'");
                }
                walked = walked.Length == 0 ? name : $"{walked}.{name}";
                at = next;
            }
            else
            {
                if (at is not JsonArray arr)
                {
                    throw new SweepException($"--set {path}: {Where(walked)} is not an array, so it has no [{s.Index}]");
                }
                if (s.Index >= arr.Count)
                {
                    throw new SweepException($"--set {path}: {Where(walked)} has {arr.Count} elements, so it has no [{s.Index}]");
                }
                if (last)
                {
                    arr[s.Index] = value;
                    return;
                }
                walked += $"[{s.Index}]";
                at = arr[s.Index]!;
                if (at is null)
                {
                    throw new SweepException($"--set {path}: {walked} is null");
                }
            }
        }
    }

    private static string Where(string walked) => walked.Length == 0 ? "the scenario" : walked;
}
