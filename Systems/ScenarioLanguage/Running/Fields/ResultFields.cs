using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Systems.ScenarioLanguage.Running.Fields;

/// <summary>
/// The registry of result fields (README "Result fields", docs/scenarios.md "Results"): every key of a step's
/// document, by op, in document order, with its type, unit, title and typed accessor. The JSON writer, the
/// <c>expect</c> checker, the sweep table's columns and the plot's axis titles all read it, so a name lives
/// here once. Per-device keys (<c>resident.NAME</c>, <c>devices.NAME.*</c>) depend on the machine's devices:
/// <see cref="ResultSchema"/> builds them for one machine.
/// </summary>
public static class ResultFields
{
    /// <summary>Decimals a timing field keeps in the document (and everywhere it is shown).</summary>
    public const int TimingDecimals = 3;

    /// <summary>A time as the document shows it.</summary>
    public static double RoundTiming(double value) => Math.Round(value, TimingDecimals);

    // ---- Common keys, before the op's own ----

    /// <summary><c>index</c>: the step's top-level position in the file (a repeat's own index for its inner steps).</summary>
    public static readonly ResultField Index = ResultField.OfStep("index", FieldType.Integer, FieldUnits.None, "step",
        s => FieldValue.OfIndex(s.Index));

    /// <summary><c>iteration</c>: the pass of the outermost repeat (0-based); only inside a repeat.</summary>
    public static readonly ResultField Iteration = ResultField.OfStep("iteration", FieldType.Integer, FieldUnits.None, "repeat pass",
        s => FieldValue.OfIndex(s.Iteration ?? 0), s => s.Iteration is not null);

    /// <summary><c>inner</c>: the position in the outermost repeat's body (0-based); only inside a repeat.</summary>
    public static readonly ResultField Inner = ResultField.OfStep("inner", FieldType.Integer, FieldUnits.None, "position in the repeat",
        s => s.Inner is { } n ? FieldValue.OfIndex(n) : FieldValue.Null(FieldType.Integer), s => s.Iteration is not null);

    /// <summary><c>nested</c>: the (iteration, inner) pairs of deeper repeats, outer to inner; only inside nested repeats.</summary>
    public static readonly ResultField Nested = ResultField.OfStep("nested", FieldType.RepeatLevels, FieldUnits.None, "nested repeat positions",
        s => FieldValue.Of(s.Nested), s => s.Iteration is not null && s.Nested.Count > 0);

    /// <summary><c>op</c>: the op name.</summary>
    public static readonly ResultField Op = ResultField.OfStep("op", FieldType.String, FieldUnits.None, "op",
        s => FieldValue.Of(s.Op));

    // ---- Common keys, after the op's own ----

    /// <summary><c>invariants</c>: the checker's findings after the step; only when every step is checked.</summary>
    public static readonly FieldGroup Invariants = new("invariants", CheckFields(s => s.Invariants!), s => s.Invariants is not null);

    /// <summary><c>wallMs</c>: wall-clock time of the machine call. Timing.</summary>
    public static readonly ResultField WallMs = ResultField.OfStep("wallMs", FieldType.Double, FieldUnits.Milliseconds, "wall time",
        s => FieldValue.Of(s.WallMs), isTiming: true);

    /// <summary><c>error</c>: the Errno name, null on success.</summary>
    public static readonly ResultField Error = ResultField.OfStep("error", FieldType.String, FieldUnits.None, "error",
        s => FieldValue.Of(s.ErrorName));

    /// <summary><c>expectFailures</c>: one message per missed expectation.</summary>
    public static readonly ResultField ExpectFailures = ResultField.OfStep("expectFailures", FieldType.StringList, FieldUnits.None, "expectation misses",
        s => FieldValue.Of(s.ExpectFailures));

    // ---- Ops whose keys do not depend on the devices ----

    /// <summary><c>touch</c>'s <c>faults</c> object.</summary>
    public static readonly FieldGroup Faults = new("faults",
    [
        ResultField.Count<TouchResult>("new", FieldUnits.Pages, "new-page faults", t => t.Faults.New),
        ResultField.Count<TouchResult>("swap", FieldUnits.Pages, "swap-in faults", t => t.Faults.Swap),
        ResultField.Count<TouchResult>("device", FieldUnits.Pages, "device faults", t => t.Faults.Device),
        ResultField.Count<TouchResult>("cow", FieldUnits.Pages, "write-protect faults", t => t.Faults.Cow),
    ]);

    /// <summary><c>copy.deviceTimeUs</c>: when the last copy engine finishes, in model time. Timing.</summary>
    public static readonly ResultField CopyDeviceTimeUs =
        ResultField.Timing<MigrateResult>("deviceTimeUs", FieldUnits.Microseconds, "device time of the copy", m => m.Copy.DeviceTimeUs);

    /// <summary>A migrate's keys: <c>requested</c>, <c>migrated</c>, <c>holesInserted</c>, <c>reasons.*</c> (every reason), <c>tlbFlushes</c>, <c>costs.*</c>, <c>copy.*</c>.</summary>
    public static readonly IReadOnlyList<FieldNode> Migrate =
    [
        ResultField.Count<MigrateResult>("requested", FieldUnits.Pages, "requested", m => m.Requested),
        ResultField.Count<MigrateResult>("migrated", FieldUnits.Pages, "migrated", m => m.Migrated),
        ResultField.Count<MigrateResult>("holesInserted", FieldUnits.Pages, "holes filled (mainline)", m => m.HolesInserted),
        new FieldGroup("reasons", Reasons()),
        ResultField.Count<MigrateResult>("tlbFlushes", FieldUnits.Flushes, "collect's TLB flushes", m => m.TlbFlushes),
        new FieldGroup("costs",
        [
            ResultField.Count<MigrateResult>("unmapFlushes", FieldUnits.Flushes, "try_to_unmap TLB flushes", m => m.Costs.UnmapFlushes),
            ResultField.Count<MigrateResult>("invalidations", FieldUnits.Invalidations, "notifier invalidations per mirror", m => m.Costs.Invalidations),
            ResultField.Count<MigrateResult>("lruDrainAll", FieldUnits.Calls, "lru_add_drain_all calls", m => m.Costs.LruDrainAll),
            ResultField.Count<MigrateResult>("walks", FieldUnits.Walks, "page-table walks", m => m.Costs.Walks),
        ]),
        new FieldGroup("copy",
        [
            ResultField.Count<MigrateResult>("pages", FieldUnits.Pages, "copied", m => m.Copy.Pages),
            ResultField.Count<MigrateResult>("bytes", FieldUnits.Bytes, "copied", m => m.Copy.Bytes),
            ResultField.Count<MigrateResult>("batches", FieldUnits.Commands, "copy batches", m => m.Copy.Batches),
            CopyDeviceTimeUs,
        ]),
    ];

    /// <summary>A migrate step's keys: <see cref="Migrate"/>, then <c>findings</c> under profile <c>v13-as-posted</c> (not a sweep column).</summary>
    private static readonly IReadOnlyList<FieldNode> MigrateStep =
        [.. Migrate, new FieldGroup("races", RaceFields(), HasRaces), new FieldGroup("findings", Findings(), HasFindings)];

    /// <summary>The migrate keys as one group at the step's top level (its leaves are the sweep table's result columns).</summary>
    public static readonly FieldGroup MigrateGroup = new("", Migrate);

    private static readonly IReadOnlyList<FieldNode> Touch = [Faults];
    private static readonly IReadOnlyList<FieldNode> PinOrLock = PageCount("pages", "pages pinned or locked");
    private static readonly IReadOnlyList<FieldNode> SwapOut = PageCount("swapped", "swapped out");
    private static readonly IReadOnlyList<FieldNode> Evict = PageCount("migrated", "evicted");
    private static readonly IReadOnlyList<FieldNode> Check = CheckFields(s => (CheckResult)s.Result);

    private static readonly IReadOnlyList<FieldNode> DeviceWrite =
    [
        ResultField.Count<DeviceAccessResult>("pages", FieldUnits.Pages, "pages the device accessed", r => r.Pages),
        ResultField.Count<DeviceAccessResult>("faults", FieldUnits.Pages, "device faults", r => r.Faults),
    ];

    private static readonly IReadOnlyList<FieldNode> DeviceRead =
    [
        .. DeviceWrite,
        ResultField.Count<DeviceAccessResult>("mismatches", FieldUnits.Pages, "mismatches", r => r.Mismatches),
    ];

    private static readonly IReadOnlyList<FieldNode> Snapshot =
    [
        new FieldGroup("states",
        [
            ResultField.Count<SnapshotResult>("none", FieldUnits.Pages, "not present", r => r.None),
            ResultField.Count<SnapshotResult>("read", FieldUnits.Pages, "read-only", r => r.Read),
            ResultField.Count<SnapshotResult>("write", FieldUnits.Pages, "writable", r => r.Write),
            ResultField.Count<SnapshotResult>("huge", FieldUnits.Pages, "huge-mapped", r => r.Huge),
            ResultField.Count<SnapshotResult>("device-local", FieldUnits.Pages, "on this device", r => r.DeviceLocal),
            ResultField.Count<SnapshotResult>("device-remote", FieldUnits.Pages, "on another device", r => r.DeviceRemote),
            ResultField.Count<SnapshotResult>("coherent-local", FieldUnits.Pages, "coherent, this device", r => r.CoherentLocal),
            ResultField.Count<SnapshotResult>("coherent-remote", FieldUnits.Pages, "coherent, another device", r => r.CoherentRemote),
            ResultField.Count<SnapshotResult>("error", FieldUnits.Pages, "HMM_PFN_ERROR", r => r.Error),
        ]),
    ];

    private static readonly IReadOnlyList<FieldNode> Workload =
    [
        ResultField.Count<WorkloadResult>("accesses", FieldUnits.Accesses, "device accesses", w => w.Accesses),
        ResultField.Count<WorkloadResult>("hits", FieldUnits.Accesses, "mirror hits", w => w.Hits),
        new FieldGroup("faults",
        [
            ResultField.Count<WorkloadResult>("total", FieldUnits.Accesses, "device faults", w => w.Faults),
            ResultField.Count<WorkloadResult>("duplicate", FieldUnits.Accesses, "duplicate faults", w => w.DuplicateFaults),
        ]),
        ResultField.Count<WorkloadResult>("batches", FieldUnits.Batches, "fault batches", w => w.Batches),
        new FieldGroup("faultsPerBatch", Distribution("faults per batch", w => w.FaultsPerBatch)),
        new FieldGroup("blocksPerBatch", Distribution("VA blocks per batch", w => w.BlocksPerBatch)),
        ResultField.Count<WorkloadResult>("migrated", FieldUnits.Pages, "migrated to the device", w => w.MigratedPages),
        ResultField.Count<WorkloadResult>("remote", FieldUnits.Pages, "pages mapped where they are", w => w.RemotePages),
        new FieldGroup("prefetched",
        [
            ResultField.Count<WorkloadResult>("pages", FieldUnits.Pages, "prefetched", w => w.Prefetched),
            ResultField.Count<WorkloadResult>("used", FieldUnits.Pages, "prefetched and used", w => w.PrefetchUsed),
        ]),
        ResultField.Count<WorkloadResult>("evicted", FieldUnits.Pages, "evicted to RAM", w => w.Evicted),
        ResultField.Count<WorkloadResult>("refaults", FieldUnits.Accesses, "faults after eviction", w => w.Refaults),
        ResultField.Count<WorkloadResult>("remoteAccesses", FieldUnits.Accesses, "hits on pages off the device", w => w.RemoteAccesses),
        ResultField.Count<WorkloadResult>("notifications", FieldUnits.Accesses, "access-counter notifications", w => w.Notifications),
        new FieldGroup("thrash",
        [
            ResultField.Count<WorkloadResult>("events", FieldUnits.Accesses, "thrashing events", w => w.ThrashingEvents),
            ResultField.Count<WorkloadResult>("pinned", FieldUnits.Pages, "pinned in RAM", w => w.PinnedPages),
            ResultField.Count<WorkloadResult>("throttled", FieldUnits.Accesses, "throttled faults", w => w.ThrottledFaults),
        ]),
        // Named as a migrate's copy.* (a sweep table has one column per path, whichever op fills it).
        new FieldGroup("copy",
        [
            ResultField.Count<WorkloadResult>("pages", FieldUnits.Pages, "copied", w => w.MigratedPages),
            ResultField.Count<WorkloadResult>("bytes", FieldUnits.Bytes, "copied", w => w.MigratedBytes),
            ResultField.Count<WorkloadResult>("batches", FieldUnits.Commands, "copy batches", w => w.CopyBatches),
        ]),
        new FieldGroup("time",
        [
            ResultField.Timing<WorkloadResult>("faultUs", FieldUnits.Microseconds, "modelled fault service", w => w.FaultServiceUs),
            ResultField.Timing<WorkloadResult>("copyUs", FieldUnits.Microseconds, "modelled copy", w => w.CopyUs),
            ResultField.Timing<WorkloadResult>("evictUs", FieldUnits.Microseconds, "modelled eviction", w => w.EvictUs),
            ResultField.Timing<WorkloadResult>("throttleUs", FieldUnits.Microseconds, "modelled throttling", w => w.ThrottleUs),
            ResultField.Timing<WorkloadResult>("totalUs", FieldUnits.Microseconds, "modelled workload time", w => w.TotalUs),
        ]),
    ];

    private static ResultField[] Distribution(string title, Func<WorkloadResult, BatchDistribution> of) =>
    [
        ResultField.Count<WorkloadResult>("p50", FieldUnits.None, $"{title}, median", w => of(w).P50),
        ResultField.Count<WorkloadResult>("p90", FieldUnits.None, $"{title}, 90th percentile", w => of(w).P90),
        ResultField.Count<WorkloadResult>("max", FieldUnits.None, $"{title}, maximum", w => of(w).Max),
    ];

    /// <summary>The op's own keys in document order for a machine with <paramref name="devices"/>; empty for ops with only the common keys.</summary>
    public static IReadOnlyList<FieldNode> ForOp(string op, IReadOnlyList<string> devices) => op switch
    {
        "touch" => Touch,
        "pin" or "unpin" or "lock" or "unlock" => PinOrLock,
        "swapout" => SwapOut,
        "migrate" => Migrate,
        "verify" => Verify(devices),
        "stats" => Stats(devices),
        "check" => Check,
        "device-read" => DeviceRead,
        "device-write" => DeviceWrite,
        "snapshot" => Snapshot,
        "evict" => Evict,
        "workload" => Workload,
        _ => [],
    };

    /// <summary>
    /// The op's own keys in a step's document: <see cref="ForOp"/>, plus a migrate's <c>findings</c> (profile
    /// <c>v13-as-posted</c> only; not a sweep table column).
    /// </summary>
    public static IReadOnlyList<FieldNode> ForOpDocument(string op, IReadOnlyList<string> devices) =>
        op == "migrate" ? MigrateStep : ForOp(op, devices);

    /// <summary>A step's whole document: the common keys around the op's own, in docs/scenarios.md's order.</summary>
    public static FieldGroup Step(IReadOnlyList<FieldNode> opFields) =>
        new("", [Index, Iteration, Inner, Nested, Op, .. opFields, Invariants, WallMs, Error, ExpectFailures]);

    /// <summary>
    /// Profile <c>v13-as-posted</c>'s <c>findings</c>: per defect id how often it fired, <c>deadlock</c> (1 when the call slept in
    /// lock_page for good) and <c>list</c>, one line per defect with the slots it hit.
    /// </summary>
    private static FieldNode[] Findings()
    {
        var fields = new FieldNode[PostedFindings.Count + 2];
        for (var d = 0; d < PostedFindings.Count; d++)
        {
            var defect = (PostedDefect)d;
            var id = PostedFindings.Id(defect);
            var unit = defect == PostedDefect.RestoreIndexOverrun ? FieldUnits.Entries : FieldUnits.Pages;
            fields[d] = ResultField.OfStep(id, FieldType.Integer, unit, $"finding: {id}",
                s => FieldValue.Of(((MigrateResult)s.Result).Findings![defect]), HasFindings);
        }
        fields[PostedFindings.Count] = ResultField.OfStep("deadlock", FieldType.Integer, FieldUnits.Commands, "calls that deadlocked",
            s => FieldValue.Of(((MigrateResult)s.Result).Findings!.Deadlocked ? 1L : 0L), HasFindings);
        fields[PostedFindings.Count + 1] = ResultField.OfStep("list", FieldType.StringList, FieldUnits.None, "findings with their slots",
            s => FieldValue.Of(((MigrateResult)s.Result).Findings!.Lines()), HasFindings);
        return fields;
    }

    private static bool HasFindings(StepResult s) => s.Result is MigrateResult { Findings: not null };

    /// <summary>A migrate's <c>races.*</c>, present when the step has races (docs/scenarios.md "Races"; not a sweep column).</summary>
    private static FieldNode[] RaceFields()
    {
        static ResultField Race(string key, string unit, string title, Func<Machine.Races.RaceReport, long> read) =>
            ResultField.OfStep(key, FieldType.Integer, unit, title, s => FieldValue.Of(read(((MigrateResult)s.Result).Races!)), HasRaces);
        return
        [
            Race("waited", FieldUnits.Pages, "race: pages that waited for the call", r => r.Waited),
            Race("sawNew", FieldUnits.Pages, "race: waited pages that found the new page", r => r.SawNew),
            Race("sawRestored", FieldUnits.Pages, "race: waited pages that found the original page", r => r.SawRestored),
            Race("hung", FieldUnits.Pages, "race: waited pages never released", r => r.Hung),
            Race("pinned", FieldUnits.Pages, "race: pages pinned", r => r.Pinned),
            Race("mmapWaits", FieldUnits.Calls, "race: munmap/fork that waited for the mmap lock", r => r.MmapWaits),
            Race("migrated", FieldUnits.Pages, "race: pages the racing migrate moved", r => r.Migrated),
            Race("locked", FieldUnits.Pages, "race: racing migrate's pages given up as locked", r => r.Locked),
            Race("failed", FieldUnits.Calls, "race: operations that failed", r => r.Failed),
        ];
    }

    private static bool HasRaces(StepResult s) => s.Result is MigrateResult { Races: not null };

    private static ResultField[] Reasons()
    {
        var reasons = new ResultField[MigrateReasons.Count - 1];
        for (var r = 1; r < MigrateReasons.Count; r++)
        {
            var reason = r;
            var key = ((MigrateReason)r).Key();
            reasons[r - 1] = ResultField.Count<MigrateResult>(key, FieldUnits.Pages, $"not migrated: {key}", m => m.Reasons[reason]);
        }
        return reasons;
    }

    private static IReadOnlyList<FieldNode> Verify(IReadOnlyList<string> devices)
    {
        var resident = new List<FieldNode>
        {
            ResultField.Count<VerifyResult>("hole", FieldUnits.Pages, "holes", v => v.Hole),
            ResultField.Count<VerifyResult>("ram", FieldUnits.Pages, "resident in RAM", v => v.Ram),
            ResultField.Count<VerifyResult>("swap", FieldUnits.Pages, "in swap", v => v.Swap),
            ResultField.Count<VerifyResult>("zero", FieldUnits.Pages, "mapping the shared zero page", v => v.Zero),
        };
        for (var d = 0; d < devices.Count; d++)
        {
            var device = d;
            resident.Add(ResultField.Count<VerifyResult>(devices[d], FieldUnits.Pages, $"resident on {devices[d]}", v => At(v.Device, device)));
        }
        return
        [
            ResultField.Count<VerifyResult>("checked", FieldUnits.Pages, "checked", v => v.Checked),
            ResultField.Count<VerifyResult>("mismatches", FieldUnits.Pages, "mismatches", v => v.Mismatches),
            new FieldGroup("resident", resident),
        ];
    }

    private static IReadOnlyList<FieldNode> Stats(IReadOnlyList<string> devices)
    {
        var perDevice = new FieldNode[devices.Count];
        for (var d = 0; d < devices.Count; d++)
        {
            var device = d;
            var name = devices[d];
            perDevice[d] = new FieldGroup(name,
            [
                ResultField.Count<StatsResult>("used", FieldUnits.Pages, $"used on {name}", s => At(s.DeviceUsed, device)),
                ResultField.Count<StatsResult>("free", FieldUnits.Pages, $"free on {name}", s => At(s.DeviceFree, device)),
                ResultField.Count<StatsResult>("mirrored", FieldUnits.Entries, $"mirrored by {name}", s => At(s.DeviceMirrored, device)),
            ]);
        }
        return
        [
            new FieldGroup("ram",
            [
                ResultField.Count<StatsResult>("used", FieldUnits.Pages, "RAM used", s => s.RamUsed),
                ResultField.Count<StatsResult>("free", FieldUnits.Pages, "RAM free", s => s.RamFree),
            ]),
            new FieldGroup("devices", perDevice),
            ResultField.Count<StatsResult>("pinned", FieldUnits.Pages, "pinned", s => s.Pinned),
            ResultField.Count<StatsResult>("locked", FieldUnits.Pages, "locked by other holders", s => s.Locked),
            ResultField.Count<StatsResult>("swapCache", FieldUnits.Pages, "in the swap cache", s => s.SwapCache),
        ];
    }

    /// <summary><c>violations</c> and <c>details</c> of a checker result: a <c>check</c> step's own, or a step's <c>invariants</c>.</summary>
    private static IReadOnlyList<FieldNode> CheckFields(Func<StepResult, CheckResult> of) =>
    [
        ResultField.OfStep("violations", FieldType.Integer, FieldUnits.Violations, "invariant violations", s => FieldValue.Of(of(s).Violations)),
        ResultField.OfStep("details", FieldType.StringList, FieldUnits.None, "broken invariants", s => FieldValue.Of(of(s).Details)),
    ];

    private static IReadOnlyList<FieldNode> PageCount(string key, string title) =>
        [ResultField.Count<PageCountResult>(key, FieldUnits.Pages, title, c => c.Pages)];

    /// <summary>An engine may leave per-device arrays short until it tracks a quantity (mirror entries); missing reads 0.</summary>
    private static long At(long[] values, int i) => i < values.Length ? values[i] : 0;
}
