using System.Text.Json;
using HmmEcs.Components.Memory;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Loading;

/// <summary>
/// Turns the <c>steps</c> array into step records, checking every field and every name against the
/// run as it will happen (a <see cref="NameTracker"/> follows processes and VMAs); a file a step names (a
/// <c>trace</c>) is found relative to <c>baseDirectory</c>, the scenario file's.
/// </summary>
internal sealed class StepParser(NameTracker names, SemanticsProfile profile = SemanticsProfile.V13, string baseDirectory = "")
{
    private readonly Dictionary<string, string> _ids = new(StringComparer.Ordinal);
    private int _depth;

    /// <summary>Every op a step may name, in docs/scenarios.md's order.</summary>
    public static readonly string[] Ops =
    [
        "process", "mmap", "touch", "fork", "pin", "unpin", "lock", "unlock", "swapout", "mprotect", "munmap", "mremap",
        "migrate", "verify", "stats", "check", "repeat", "device-read", "device-write", "snapshot", "evict",
        "workload",
    ];

    // Internal for the tests that hold docs/scenario.schema.json to the parser.
    internal static readonly string[] Kinds = ["anon", "shared-anon", "file", "hugetlb", "pfnmap", "file-private"];
    internal static readonly string[] Prots = ["rw", "r", "none"];
    internal static readonly string[] Accesses = ["read", "write"];
    internal static readonly string[] Patterns = ["seq", "zero"];
    internal static readonly string[] InjectFields = ["isolate", "unmap", "migrate-page"];

    /// <summary>Parses an array of steps at <paramref name="path"/> (<c>steps</c> or a repeat's body).</summary>
    public List<ScenarioStep> ParseList(JsonElement array, string path)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new ScenarioException(path, $"must be an array of steps, got {FieldReader.Describe(array)}");
        }
        var steps = new List<ScenarioStep>(array.GetArrayLength());
        var i = 0;
        foreach (var e in array.EnumerateArray())
        {
            steps.Add(Parse(e, $"{path}[{i}]"));
            i++;
        }
        return steps;
    }

    private ScenarioStep Parse(JsonElement e, string path)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new ScenarioException(path, $"must be an object (a step), got {FieldReader.Describe(e)}");
        }
        if (!e.TryGetProperty("op", out var opElement))
        {
            throw new ScenarioException($"{path}.op", "required field is missing");
        }
        var known = opElement.ValueKind == JsonValueKind.String ? Array.FindIndex(Ops, o => FieldReader.TextEquals(opElement, o)) : -1;
        if (known < 0)
        {
            throw new ScenarioException($"{path}.op", $"unknown op {FieldReader.Describe(opElement)} (known: {string.Join(", ", Ops)})");
        }
        var op = Ops[known];
        var r = new FieldReader(e, path, AllowedFields(op), $"op '{op}'");
        CheckId(r);
        if (op == "repeat")
        {
            return Repeat(r, path);
        }
        var step = Build(op, r, path, ParseExpect(r));
        names.Follow(step);
        return step;
    }

    /// <summary>
    /// A step's optional <c>"id"</c>: a name a sweep's <c>--set</c> may use instead of the step's position
    /// (<c>steps[mig].to</c>), so it must read as a name, not a number, and be unique in the file.
    /// </summary>
    private void CheckId(FieldReader r)
    {
        if (r.OptionalString("id") is not { } id)
        {
            return;
        }
        if (!IsStepId(id))
        {
            throw new ScenarioException(r.Child("id"), $"\"{id}\" is no step id (a letter or '_', then letters, digits, '_' or '-')");
        }
        // A repeat's body may be read more than once; only another step with the id is a clash.
        if (_ids.TryGetValue(id, out var other) && other != r.Path)
        {
            throw new ScenarioException(r.Child("id"), $"\"{id}\" is the id of {other} already");
        }
        _ids[id] = r.Path;
    }

    /// <summary>True when <paramref name="s"/> is a valid step id: a letter or underscore, then letters, digits, '_' or '-'.</summary>
    public static bool IsStepId(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>The record of a non-repeat step, every field read and checked (its names are followed after).</summary>
    private ScenarioStep Build(string op, FieldReader r, string path, List<Expectation> expect)
    {
        switch (op)
        {
            case "process":
                return new ProcessStep(path, expect, r.RequiredString("name"));
            case "mmap":
            {
                var (proc, vma) = ProcVma(r);
                var pages = r.Integer("pages", null, 1, ScenarioLimits.MaxMappedPages);
                var kind = (VmaKind)r.Choice("kind", Kinds, -1);
                var prot = Prot(r.Choice("prot", Prots, 0));
                return new MmapStep(path, expect, proc, vma, pages, kind, prot, r.Bool("thp", false));
            }
            case "touch":
            {
                var (proc, vma) = ProcVma(r);
                var range = Range(r);
                var access = (Access)r.Choice("access", Accesses, -1);
                return new TouchStep(path, expect, proc, vma, range, access, r.Unsigned("salt", 0));
            }
            case "fork":
                return new ForkStep(path, expect, r.RequiredString("proc"), r.RequiredString("child"));
            case "pin" or "unpin":
            {
                var (proc, vma) = ProcVma(r);
                if (r.Has("longterm") && profile != SemanticsProfile.Mainline)
                {
                    // FOLL_LONGTERM's rule for device-coherent memory is mainline's (6.0).
                    throw new ScenarioException(r.Child("longterm"), $"is a mainline field; this scenario's profile is \"{SemanticsProfiles.Name(profile)}\"");
                }
                return new PinStep(op, path, expect, proc, vma, Range(r), Every(r), op == "pin") { Longterm = r.Bool("longterm", false) };
            }
            case "lock" or "unlock":
            {
                var (proc, vma) = ProcVma(r);
                return new LockStep(op, path, expect, proc, vma, Range(r), Every(r), op == "lock");
            }
            case "swapout":
            {
                var (proc, vma) = ProcVma(r);
                return new SwapOutStep(path, expect, proc, vma, Range(r), Every(r));
            }
            case "mprotect":
            {
                var (proc, vma) = ProcVma(r);
                var range = Range(r);
                return new MprotectStep(path, expect, proc, vma, Prot(r.Choice("prot", Prots, -1)), range);
            }
            case "munmap":
            {
                var (proc, vma) = ProcVma(r);
                // With first or count it unmaps that range and keeps the name; without, the whole VMA goes.
                return new MunmapStep(path, expect, proc, vma, r.Has("first") || r.Has("count") ? Range(r) : null);
            }
            case "mremap":
            {
                var (proc, vma) = ProcVma(r);
                var range = Range(r);
                var newVma = r.RequiredString("newVma");
                var pages = r.Integer("pages", null, 1, ScenarioLimits.MaxMappedPages);
                return new MremapStep(path, expect, proc, vma, range, newVma, pages, r.Bool("dontUnmap", false));
            }
            case "migrate":
            {
                var (proc, vma) = ProcVma(r);
                var range = Range(r);
                var to = r.RequiredString("to");
                var (select, owner) = SelectionParser.Parse(r, profile);
                var races = RaceParser.Parse(r, proc, profile);
                return new MigrateStep(path, expect, new MigrateRequest(proc, vma, range, to, Inject(r), select, owner, races));
            }
            case "verify":
            {
                var (proc, vma) = ProcVma(r);
                var range = Range(r);
                var pattern = (VerifyPattern)r.Choice("pattern", Patterns, -1);
                return new VerifyStep(path, expect, proc, vma, range, pattern, r.Unsigned("salt", 0));
            }
            case "stats":
                return new StatsStep(path, expect);
            case "check":
                return new CheckStep(path, expect);
            case "workload":
                if (profile == SemanticsProfile.V13AsPosted)
                {
                    // The posted helper strands pages a device's later faults would wait on forever (docs/model.md).
                    throw new ScenarioException(r.Child("op"), "a workload needs profile \"v13\" or \"mainline\"; this scenario's is \"v13-as-posted\"");
                }
                return WorkloadParser.Parse(r, path, expect, baseDirectory);
            default:
                return DeviceMirror(op, r, path, expect);
        }
    }

    private RepeatStep Repeat(FieldReader r, string path)
    {
        var times = (int)r.Integer("times", null, 1, ScenarioLimits.MaxExecutedSteps);
        var body = r.Required("steps");
        if (_depth == ScenarioLimits.MaxRepeatDepth)
        {
            throw new ScenarioException(path, $"a repeat nested {ScenarioLimits.MaxRepeatDepth + 1} deep; at most {ScenarioLimits.MaxRepeatDepth} (docs/scenarios.md, \"Limits\")");
        }
        var before = names.Version;
        _depth++;
        List<ScenarioStep> steps;
        try
        {
            steps = ParseList(body, r.Child("steps"));
        }
        finally
        {
            _depth--;
        }
        if (steps.Count == 0)
        {
            throw new ScenarioException(r.Child("steps"), "must hold at least 1 step");
        }
        var repeat = new RepeatStep(path, times, steps);
        // The names must hold on every pass: a body that creates a name fails on its second pass.
        names.FollowSecondPass(repeat, before);
        return repeat;
    }

    private static DeviceMirrorStep DeviceMirror(string op, FieldReader r, string path, IReadOnlyList<Expectation> expect)
    {
        var device = r.RequiredString("device");
        if (op == "evict")
        {
            // first/count name device pages (migrate_device_range's pfn range), not VMA pages.
            return new DeviceMirrorStep(op, path, expect, device, null, null, Range(r), VerifyPattern.Seq, 0);
        }
        var (proc, vma) = ProcVma(r);
        var range = Range(r);
        var pattern = op == "device-read" ? (VerifyPattern)r.Choice("pattern", Patterns, -1) : VerifyPattern.Seq;
        return new DeviceMirrorStep(op, path, expect, device, proc, vma, range, pattern, r.Unsigned("salt", 0));
    }

    internal static (string Proc, string Vma) ProcVma(FieldReader r) => (r.RequiredString("proc"), r.RequiredString("vma"));

    internal static PageRange Range(FieldReader r)
    {
        var first = r.Integer("first", 0, 0);
        long? count = r.Has("count") ? r.Integer("count", null, 1) : null;
        return new PageRange(first, count);
    }

    private static int Every(FieldReader r) => r.Int32("every", 1, 1);

    /// <summary>The protection at index <paramref name="choice"/> of <see cref="Prots"/>.</summary>
    private static PageProt Prot(int choice) => choice switch { 0 => PageProt.ReadWrite, 1 => PageProt.Read, _ => PageProt.None };

    private static FailureInjection Inject(FieldReader r)
    {
        if (!r.TryGet("inject", out var e))
        {
            return default;
        }
        var inj = new FieldReader(e, r.Child("inject"), InjectFields, "inject");
        return new FailureInjection(inj.Int32("isolate", 0, 0), inj.Int32("unmap", 0, 0), inj.Int32("migrate-page", 0, 0));
    }

    private static List<Expectation> ParseExpect(FieldReader r)
    {
        var list = new List<Expectation>();
        if (!r.TryGet("expect", out var e))
        {
            return list;
        }
        var path = r.Child("expect");
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new ScenarioException(path, $"must be an object of dotted path -> value, got {FieldReader.Describe(e)}");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            var key = FieldReader.NameOf(p, path);
            var at = $"{path}.{key}";
            if (!seen.Add(key))
            {
                throw new ScenarioException(at, "duplicate field");
            }
            if (key.Length == 0 || key.Split('.').Any(s => s.Length == 0))
            {
                throw new ScenarioException(at, "must be a dotted path such as reasons.pinned");
            }
            ExpectedValue value;
            try
            {
                if (!ExpectedValue.TryFrom(p.Value, out value))
                {
                    throw new ScenarioException(at, $"must be a number, string, boolean or null, got {FieldReader.Describe(p.Value)}");
                }
            }
            catch (InvalidOperationException)
            {
                throw new ScenarioException(at, "holds a lone UTF-16 surrogate (an escaped \\ud800-\\udfff without its pair), which is no Unicode text");
            }
            list.Add(new Expectation(key, value));
        }
        return list;
    }

    /// <summary>The fields a step of <paramref name="op"/> may have (every op may carry an <c>id</c>); anything else is an unknown field.</summary>
    internal static string[] AllowedFields(string op) => [.. OpFields(op), "id"];

    private static string[] OpFields(string op) => op switch
    {
        "process" => ["op", "expect", "name"],
        "mmap" => ["op", "expect", "proc", "vma", "pages", "kind", "prot", "thp"],
        "touch" => ["op", "expect", "proc", "vma", "first", "count", "access", "salt"],
        "fork" => ["op", "expect", "proc", "child"],
        "pin" => ["op", "expect", "proc", "vma", "first", "count", "every", "longterm"],
        "unpin" or "lock" or "unlock" or "swapout" => ["op", "expect", "proc", "vma", "first", "count", "every"],
        "mprotect" => ["op", "expect", "proc", "vma", "first", "count", "prot"],
        "munmap" => ["op", "expect", "proc", "vma", "first", "count"],
        "mremap" => ["op", "expect", "proc", "vma", "first", "count", "newVma", "pages", "dontUnmap"],
        "migrate" => ["op", "expect", "proc", "vma", "first", "count", "to", "inject", "select", "owner", "race"],
        "verify" => ["op", "expect", "proc", "vma", "first", "count", "pattern", "salt"],
        "stats" or "check" => ["op", "expect"],
        "repeat" => ["op", "times", "steps"],
        "device-read" => ["op", "expect", "device", "proc", "vma", "first", "count", "pattern", "salt"],
        "device-write" => ["op", "expect", "device", "proc", "vma", "first", "count", "salt"],
        "snapshot" => ["op", "expect", "device", "proc", "vma", "first", "count"],
        "evict" => ["op", "expect", "device", "first", "count"],
        "workload" => WorkloadParser.Fields,
        _ => ["op"],
    };
}
