using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ScenarioLanguage.Model;

namespace HmmEcs.Systems.ScenarioLanguage.Loading;

/// <summary>A <c>workload</c> step's fields: the pattern object, the stream counts, and the fault handling with its cost preset.</summary>
internal static class WorkloadParser
{
    /// <summary>The fields of a <c>workload</c> step.</summary>
    internal static readonly string[] Fields =
        ["op", "expect", "device", "proc", "vma", "first", "count", "pattern", "accesses", "parallel", "writeFraction", "seed", "faults", "evict", "prefetch", "thrash"];

    /// <summary>The pattern kinds, in <see cref="AccessPatternKind"/>'s order.</summary>
    internal static readonly string[] Kinds = ["stream", "strided", "random", "hot-cold", "tiled", "trace"];

    /// <summary>A trace's formats, in <see cref="TraceFormat"/>'s order.</summary>
    internal static readonly string[] TraceFormats = ["csv", "binary"];

    internal static readonly string[] Modes = ["batched", "single", "access-counters"];

    /// <summary>The access counters' granularities (UVM's 64K, 2M, 16M), and their sizes in pages.</summary>
    internal static readonly string[] Granularities = ["64k", "2m", "16m"];
    private static readonly long[] GranularityPages = [16, 512, 4096];

    /// <summary>The prefetchers, in <see cref="PrefetchPolicyKind"/>'s order.</summary>
    internal static readonly string[] Prefetchers = ["none", "seq-local", "tree"];

    /// <summary>The eviction policies, in <see cref="EvictionPolicyKind"/>'s order.</summary>
    internal static readonly string[] Policies = ["none", "lrm", "lrf", "lru", "lfu", "random", "tree"];

    /// <summary>The thrashing actions, in <see cref="ThrashAction"/>'s order.</summary>
    internal static readonly string[] ThrashActions = ["none", "pin", "throttle"];

    internal static readonly string[] ThrashFields = ["events", "windowUs", "action", "pinUs", "throttleUs"];

    internal static readonly string[] FaultFields = ["mode", "batchSize", "preset", "batchUs", "blockUs", "pageUs", "threshold", "granularity", "counters"];

    /// <summary>The parameters each pattern kind takes besides <c>kind</c>.</summary>
    /// <summary>The <c>sweep</c> names of a <c>tiled</c> pattern, in <see cref="TiledSweep"/> order.</summary>
    internal static readonly string[] TiledSweeps = ["tiles", "gemm"];

    internal static string[] PatternFields(AccessPatternKind kind) => kind switch
    {
        AccessPatternKind.Strided => ["kind", "stride"],
        AccessPatternKind.HotCold => ["kind", "hotFraction", "hotProbability", "zipf"],
        AccessPatternKind.Tiled => ["kind", "width", "tile", "reuse", "sweep"],
        AccessPatternKind.Trace => ["kind", "file", "format"],
        _ => ["kind"],
    };

    public static WorkloadStep Parse(FieldReader r, string path, IReadOnlyList<Expectation> expect, string baseDirectory)
    {
        var device = r.RequiredString("device");
        var (proc, vma) = StepParser.ProcVma(r);
        var range = StepParser.Range(r);
        var pattern = Pattern(r, baseDirectory);
        if (pattern.Trace is not null && r.Has("writeFraction"))
        {
            throw new ScenarioException(r.Child("writeFraction"), "a trace's accesses carry their own kind (r or w): drop writeFraction");
        }
        // A trace runs once through by default; more accesses run it again from the start.
        var accesses = r.Integer("accesses", pattern.Trace?.Length, 1, ScenarioLimits.MaxWorkloadAccesses);
        var parallel = (int)r.Integer("parallel", 1, 1, ScenarioLimits.MaxWorkloadStreams);
        var writeFraction = r.Number("writeFraction", 0, 0, false, 1);
        var seed = r.Unsigned("seed", 1);
        var evict = (EvictionPolicyKind)r.Choice("evict", Policies, 0);
        var prefetch = (PrefetchPolicyKind)r.Choice("prefetch", Prefetchers, 0);
        var request = new WorkloadRequest(device, proc, vma, range, pattern, accesses, parallel, writeFraction, seed, Faults(r), evict, prefetch, Thrash(r));
        return new WorkloadStep(path, expect, request);
    }

    private static AccessPattern Pattern(FieldReader r, string baseDirectory)
    {
        var e = r.Required("pattern");
        var at = r.Child("pattern");
        if (e.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            throw new ScenarioException(at, $"must be an object with a \"kind\", got {FieldReader.Describe(e)}");
        }
        // The kind decides which parameters are allowed, so it is read before the object's fields are checked.
        var kindReader = new FieldReader(e, at, [.. Kinds.SelectMany(k => PatternFields(KindOf(k))).Distinct()], "pattern");
        var kind = (AccessPatternKind)kindReader.Choice("kind", Kinds, -1);
        var p = new FieldReader(e, at, PatternFields(kind), $"pattern '{Kinds[(int)kind]}'");
        return kind switch
        {
            AccessPatternKind.Strided => new AccessPattern(kind) { Stride = p.Integer("stride", 16, 1, ScenarioLimits.MaxMappedPages) },
            AccessPatternKind.HotCold => new AccessPattern(kind)
            {
                HotFraction = p.Number("hotFraction", 0.1, 0, true, 1),
                HotProbability = p.Number("hotProbability", 0.9, 0, false, 1),
                // 0 (the default) uses the hot set; an exponent up to 10 draws Zipf ranks.
                Zipf = p.Number("zipf", 0, 0, false, 10),
            },
            AccessPatternKind.Tiled => new AccessPattern(kind)
            {
                Width = p.Integer("width", 512, 1, ScenarioLimits.MaxMappedPages),
                Tile = p.Integer("tile", 16, 1, 1 << 15),
                Reuse = (int)p.Integer("reuse", 2, 1, 1 << 20),
                Sweep = (TiledSweep)p.Choice("sweep", TiledSweeps, (int)TiledSweep.Tiles),
            },
            AccessPatternKind.Trace => new AccessPattern(kind) { Trace = Trace(p, baseDirectory) },
            _ => new AccessPattern(kind),
        };
    }

    /// <summary>
    /// A trace pattern's file, found relative to <paramref name="baseDirectory"/> and read whole now, so a bad line is
    /// refused before anything runs (at <c>pattern.file</c>, with the file's line).
    /// </summary>
    private static AccessTrace Trace(FieldReader p, string baseDirectory)
    {
        var file = p.RequiredString("file");
        var at = p.Child("file");
        TraceFormat format;
        if (p.Has("format"))
        {
            format = (TraceFormat)p.Choice("format", TraceFormats, -1);
        }
        else
        {
            format = AccessTrace.FormatOf(file)
                ?? throw new ScenarioException(at, $"cannot tell the trace's format from \"{file}\": name a .csv or .bin file, or give \"format\"");
        }
        var full = Path.Combine(baseDirectory, file);
        try
        {
            if (Directory.Exists(full))
            {
                throw new ScenarioException(at, $"cannot read {file}: it is a directory");
            }
            var info = new FileInfo(full);
            if (!info.Exists)
            {
                throw new ScenarioException(at, $"cannot read {file}: no such file (a trace's path is relative to the scenario file)");
            }
            // A FIFO or a device reports no length: reading it could block or never end.
            if (info.Length == 0)
            {
                throw new ScenarioException(at, $"cannot read {file}: it is empty, or not a regular file (a FIFO or a device)");
            }
            return AccessTrace.FromFile(full, format, file);
        }
        catch (TraceFormatException e)
        {
            throw new ScenarioException(at, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScenarioException(at, $"cannot read {file}: {e.Message}");
        }
    }

    private static AccessPatternKind KindOf(string name) => (AccessPatternKind)Array.IndexOf(Kinds, name);

    /// <summary>The <c>thrash</c> object (absent: no detection); UVM's defaults, the pin and the throttle in windows.</summary>
    private static ThrashPolicy? Thrash(FieldReader r)
    {
        if (!r.TryGet("thrash", out var e))
        {
            return null;
        }
        var t = new FieldReader(e, r.Child("thrash"), ThrashFields, "thrash");
        var events = (int)t.Integer("events", ThrashPolicy.DefaultEvents, 1, 255);
        var window = t.Number("windowUs", ThrashPolicy.DefaultWindowUs, 0, true, ScenarioLimits.MaxFaultCostUs);
        var action = (ThrashAction)t.Choice("action", ThrashActions, (int)ThrashAction.Pin);
        var pin = t.Number("pinUs", ThrashPolicy.PinWindows * window, 0, false, ScenarioLimits.MaxFaultCostUs * ThrashPolicy.PinWindows);
        var throttle = t.Number("throttleUs", window, 0, false, ScenarioLimits.MaxFaultCostUs);
        return new ThrashPolicy(events, window, action, pin, throttle);
    }

    private static FaultHandling Faults(FieldReader r)
    {
        if (!r.TryGet("faults", out var e))
        {
            return FaultHandling.Default;
        }
        var f = new FieldReader(e, r.Child("faults"), FaultFields, "faults");
        var mode = (FaultMode)f.Choice("mode", Modes, 0);
        var batchSize = (int)f.Integer("batchSize", FaultHandling.DefaultBatchSize, 1, ScenarioLimits.MaxFaultBatch);
        var preset = FaultCostPresets.Names[f.Choice("preset", FaultCostPresets.Names, 0)];
        var costs = FaultCostPresets.Of(preset);
        costs = new FaultCosts(
            f.Number("batchUs", costs.BatchUs, 0, false, ScenarioLimits.MaxFaultCostUs),
            f.Number("blockUs", costs.BlockUs, 0, false, ScenarioLimits.MaxFaultCostUs),
            f.Number("pageUs", costs.PageUs, 0, false, ScenarioLimits.MaxFaultCostUs));
        var counters = new AccessCounterSettings(
            f.Integer("threshold", AccessCounterSettings.Uvm.Threshold, 1, 1L << 32),
            GranularityPages[f.Choice("granularity", Granularities, 1)],
            (int)f.Integer("counters", AccessCounterSettings.Uvm.Counters, 1, 1 << 20));
        return new FaultHandling(mode, batchSize, preset, costs) { Counters = counters };
    }
}
