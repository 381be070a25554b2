using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Differential;

/// <summary>
/// A seeded random machine configuration and op sequence. Ops are generated against a symbolic
/// view of the names that exist (processes, VMAs), so every op is well formed; ranges sometimes
/// reach past their VMA on purpose to exercise EINVAL / EFAULT. Each step draws from its own seed,
/// so a failing sequence shrinks (CsCheck drops and simplifies steps) and every shorter sequence is
/// still a valid one.
/// </summary>
internal sealed class RandomScenario
{
    private readonly IReadOnlyList<int> _stepSeeds;
    private Random _rng;
    private readonly List<string> _procs = [];
    private readonly Dictionary<string, List<(string Name, long Pages, VmaKind Kind)>> _vmas = [];
    private int _names;

    /// <summary>A scenario of <paramref name="steps"/> steps whose step seeds come from <paramref name="seed"/>.</summary>
    public RandomScenario(int seed, int steps)
        : this(seed, StepSeeds(seed, steps))
    {
    }

    /// <summary>A configuration from <paramref name="configSeed"/> and one step per entry of <paramref name="stepSeeds"/>.</summary>
    public RandomScenario(int configSeed, IReadOnlyList<int> stepSeeds)
    {
        _rng = new Random(configSeed);
        _stepSeeds = stepSeeds;
        Config = MakeConfig();
    }

    /// <summary>Steps the scenario has.</summary>
    public int Steps => _stepSeeds.Count;

    private static int[] StepSeeds(int seed, int steps)
    {
        var rng = new Random(unchecked(seed * 31 + 7));
        var seeds = new int[steps];
        for (var i = 0; i < steps; i++)
        {
            seeds[i] = rng.Next();
        }
        return seeds;
    }

    public MachineConfig Config { get; }

    public IReadOnlyList<string> Processes => _procs;

    /// <summary>Every op made so far with its arguments, to print a failing case.</summary>
    public List<string> Log { get; } = [];

    public IReadOnlyList<(string Name, long Pages, VmaKind Kind)> VmasOf(string proc) => _vmas[proc];

    private MachineConfig MakeConfig()
    {
        var devices = new List<DeviceConfig>();
        var n = _rng.Next(1, 3);
        for (var i = 0; i < n; i++)
        {
            devices.Add(new DeviceConfig(
                Name: "gpu" + i,
                Pages: Pick(256, 1024, 3000),
                ChunkPages: Pick(16, 64),
                Allocation: _rng.Next(4) == 0 ? DeviceAllocation.Chunk : DeviceAllocation.Page,
                Addressable: _rng.Next(5) == 0,
                Movable: _rng.Next(8) != 0,
                CopyEngines: _rng.Next(1, 3),
                MaxBatchPages: Pick(8, 512)));
        }
        var ram = Pick(1024, 2048, 8192);
        var payload = _rng.Next(5) == 0 ? PayloadMode.Bytes : PayloadMode.Token;
        var seed = _rng.Next();
        // Drawn after the rest, so the v13 machines are the ones earlier versions drew. Mainline machines sometimes
        // have every device under one owner.
        var profile = _rng.Next(3) == 0 ? SemanticsProfile.Mainline : SemanticsProfile.V13;
        if (profile == SemanticsProfile.Mainline && _rng.Next(2) == 0)
        {
            for (var i = 0; i < devices.Count; i++)
            {
                devices[i] = devices[i] with { Owner = "shared" };
            }
        }
        return new MachineConfig(RamPages: ram, Payload: payload, Seed: seed, Devices: devices, Profile: profile);
    }

    /// <summary>Runs the next random op on <paramref name="m"/> and returns its canonical result text.</summary>
    public (string Op, string Result) Step(IMachine m, int step)
    {
        _rng = new Random(_stepSeeds[step]);
        // First steps make sure there is something to work on.
        if (_procs.Count == 0)
        {
            return ("process", NewProcess(m));
        }
        var anyVma = AnyVma(out var proc, out var vma);
        if (!anyVma || step < 2)
        {
            return ("mmap", Mmap(m, _procs[_rng.Next(_procs.Count)]));
        }
        var roll = _rng.Next(120);
        return roll switch
        {
            < 3 when _procs.Count < 4 => ("process", NewProcess(m)),
            < 9 => ("mmap", Mmap(m, _procs[_rng.Next(_procs.Count)])),
            < 27 => ("touch", Touch(m, proc, vma)),
            < 31 when _procs.Count < 4 => ("fork", Fork(m, proc)),
            < 36 => ("pin", Pin(m, proc, vma)),
            < 40 => ("lock", Lock(m, proc, vma)),
            < 45 => ("swapout", SwapOut(m, proc, vma)),
            < 48 => ("mprotect", Mprotect(m, proc, vma)),
            < 50 => ("munmap", Munmap(m, proc, vma)),
            < 80 => ("migrate", Migrate(m, proc, vma)),
            < 92 => ("verify", Verify(m, proc, vma)),
            < 100 => ("stats", Stats(m)),
            < 105 => ("device-read", DeviceRead(m, proc, vma)),
            < 109 => ("device-write", DeviceWrite(m, proc, vma)),
            < 111 => ("snapshot", Snapshot(m, proc, vma)),
            < 112 => ("evict", Evict(m)),
            _ => ("workload", Workload(m, proc, vma)),
        };
    }

    private int Pick(params int[] values) => values[_rng.Next(values.Length)];

    private bool AnyVma(out string proc, out (string Name, long Pages, VmaKind Kind) vma)
    {
        var withVmas = new List<string>();
        foreach (var p in _procs)
        {
            if (_vmas[p].Count > 0)
            {
                withVmas.Add(p);
            }
        }
        if (withVmas.Count == 0)
        {
            proc = "";
            vma = default;
            return false;
        }
        proc = withVmas[_rng.Next(withVmas.Count)];
        var list = _vmas[proc];
        vma = list[_rng.Next(list.Count)];
        return true;
    }

    private PageRange Range(long pages)
    {
        if (_rng.Next(25) == 0)
        {
            return new PageRange(_rng.Next((int)pages), pages + 1); // reaches past the VMA
        }
        if (_rng.Next(4) == 0)
        {
            return PageRange.All;
        }
        var first = _rng.Next((int)pages);
        var count = _rng.Next(1, (int)(pages - first) + 1);
        return new PageRange(first, count);
    }

    private string NewProcess(IMachine m)
    {
        var name = "p" + _names++;
        Log.Add($"process {name}");
        var e = m.CreateProcess(name);
        _procs.Add(name);
        _vmas[name] = [];
        return $"{e}";
    }

    private string Mmap(IMachine m, string proc)
    {
        var kinds = new[] { VmaKind.Anon, VmaKind.Anon, VmaKind.Anon, VmaKind.SharedAnon, VmaKind.File, VmaKind.Hugetlb, VmaKind.Pfnmap };
        var kind = kinds[_rng.Next(kinds.Length)];
        var pages = (long)(_rng.Next(3) == 0 ? Pick(512, 1024, 1536) : _rng.Next(1, 700));
        var writable = _rng.Next(8) != 0;
        var thp = kind == VmaKind.Anon && _rng.Next(3) == 0;
        var name = "v" + _names++;
        Log.Add($"mmap {proc} {name} pages={pages} {kind} writable={writable} thp={thp}");
        var e = m.Mmap(proc, name, pages, kind, writable, thp);
        if (e == Errno.None)
        {
            _vmas[proc].Add((name, pages, kind));
        }
        return $"{e} {pages} {kind} {writable} {thp}";
    }

    private string Touch(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var access = _rng.Next(2) == 0 ? Access.Read : Access.Write;
        var salt = (ulong)_rng.Next(1, 1000);
        var range = Range(vma.Pages);
        Log.Add($"touch {proc} {vma.Name} {range} {access} salt={salt}");
        var e = m.Touch(proc, vma.Name, range, access, salt, out var f);
        return $"{e} {access} new={f.New} swap={f.Swap} device={f.Device} cow={f.Cow}";
    }

    private string Fork(IMachine m, string proc)
    {
        var child = "p" + _names++;
        Log.Add($"fork {proc} {child}");
        var e = m.Fork(proc, child);
        if (e == Errno.None)
        {
            _procs.Add(child);
            _vmas[child] = [.. _vmas[proc]];
        }
        return $"{e}";
    }

    private string Pin(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var take = _rng.Next(3) != 0;
        var range = Range(vma.Pages);
        var every = Pick(1, 2, 7, 64);
        Log.Add($"{(take ? "pin" : "unpin")} {proc} {vma.Name} {range} every={every}");
        var e = m.Pin(proc, vma.Name, range, every, take, out var pages);
        return $"{e} {take} pages={pages}";
    }

    private string Lock(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var take = _rng.Next(2) == 0;
        var range = Range(vma.Pages);
        var every = Pick(1, 3, 16);
        Log.Add($"{(take ? "lock" : "unlock")} {proc} {vma.Name} {range} every={every}");
        var e = m.Lock(proc, vma.Name, range, every, take, out var pages);
        return $"{e} {take} pages={pages}";
    }

    private string SwapOut(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var range = Range(vma.Pages);
        var every = Pick(1, 2, 5);
        Log.Add($"swapout {proc} {vma.Name} {range} every={every}");
        var e = m.SwapOut(proc, vma.Name, range, every, out var swapped);
        return $"{e} swapped={swapped}";
    }

    private string Mprotect(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var writable = _rng.Next(2) == 0;
        Log.Add($"mprotect {proc} {vma.Name} writable={writable}");
        return $"{m.Mprotect(proc, vma.Name, writable)} {writable}";
    }

    private string Munmap(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        Log.Add($"munmap {proc} {vma.Name}");
        var e = m.Munmap(proc, vma.Name);
        if (e == Errno.None)
        {
            _vmas[proc].Remove(vma);
        }
        return $"{e}";
    }

    private string Migrate(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var devices = m.Config.DeviceList;
        var to = _rng.Next(devices.Count + 1) is var d && d == devices.Count ? "ram" : devices[d].Name;
        var inject = _rng.Next(6) == 0
            ? new FailureInjection(Pick(0, 3, 5), Pick(0, 4, 7), Pick(0, 6, 11))
            : default;
        var r = new MigrateResult();
        var range = Range(vma.Pages);
        MigrateSelect? select = null;
        string? owner = null;
        if (m.Config.Profile == SemanticsProfile.Mainline)
        {
            // Half the calls take the defaults; the others name any non-empty selection and sometimes an owner.
            select = _rng.Next(2) == 0 ? null : (MigrateSelect)_rng.Next(1, 8);
            owner = _rng.Next(3) == 0 ? devices[_rng.Next(devices.Count)].Name : null;
        }
        Log.Add($"migrate {proc} {vma.Name} {range} to={to} {inject} select={select} owner={owner}");
        var e = m.Migrate(new MigrateRequest(proc, vma.Name, range, to, inject, select, owner), r);
        return $"{e} to={to} {Canonical.Of(r)}";
    }

    private string Verify(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var r = new VerifyResult();
        var pattern = _rng.Next(4) == 0 ? VerifyPattern.Zero : VerifyPattern.Seq;
        var range = Range(vma.Pages);
        var salt = (ulong)_rng.Next(1, 1000);
        Log.Add($"verify {proc} {vma.Name} {range} {pattern} salt={salt}");
        var e = m.Verify(proc, vma.Name, range, pattern, salt, r);
        return $"{e} {Canonical.Of(r)}";
    }

    private string AnyDevice(IMachine m) => m.Config.DeviceList[_rng.Next(m.Config.DeviceList.Count)].Name;

    private string DeviceRead(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var device = AnyDevice(m);
        var r = new DeviceAccessResult();
        var pattern = _rng.Next(4) == 0 ? VerifyPattern.Zero : VerifyPattern.Seq;
        var range = Range(vma.Pages);
        var salt = (ulong)_rng.Next(1, 1000);
        Log.Add($"device-read {device} {proc} {vma.Name} {range} {pattern} salt={salt}");
        var e = m.DeviceRead(device, proc, vma.Name, range, pattern, salt, r);
        return $"{e} pages={r.Pages} faults={r.Faults} mismatches={r.Mismatches}";
    }

    private string DeviceWrite(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var device = AnyDevice(m);
        var r = new DeviceAccessResult();
        var range = Range(vma.Pages);
        var salt = (ulong)_rng.Next(1, 1000);
        Log.Add($"device-write {device} {proc} {vma.Name} {range} salt={salt}");
        var e = m.DeviceWrite(device, proc, vma.Name, range, salt, r);
        return $"{e} pages={r.Pages} faults={r.Faults}";
    }

    private string Snapshot(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var device = AnyDevice(m);
        var r = new SnapshotResult();
        var range = Range(vma.Pages);
        Log.Add($"snapshot {device} {proc} {vma.Name} {range}");
        var e = m.Snapshot(device, proc, vma.Name, range, r);
        return $"{e} none={r.None} read={r.Read} write={r.Write} huge={r.Huge} local={r.DeviceLocal} remote={r.DeviceRemote}";
    }

    private string Evict(IMachine m)
    {
        var device = AnyDevice(m);
        Log.Add($"evict {device}");
        var e = m.Evict(device, out var migrated);
        return $"{e} migrated={migrated}";
    }

    private string Workload(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var kind = (AccessPatternKind)_rng.Next(5);
        var pattern = kind switch
        {
            AccessPatternKind.Strided => new AccessPattern(kind) { Stride = Pick(1, 3, 16, 600) },
            AccessPatternKind.HotCold => _rng.Next(2) == 0
                ? new AccessPattern(kind) { HotFraction = Pick(1, 10, 50) / 100.0, HotProbability = Pick(50, 90, 100) / 100.0 }
                : new AccessPattern(kind) { Zipf = Pick(5, 10, 20) / 10.0 },
            AccessPatternKind.Tiled => new AccessPattern(kind) { Width = Pick(8, 64, 512), Tile = Pick(1, 4, 16), Reuse = Pick(1, 3) },
            _ => new AccessPattern(kind),
        };
        var faults = new FaultHandling(_rng.Next(3) == 0 ? FaultMode.Single : FaultMode.Batched, Pick(1, 7, 256),
            FaultCostPresets.Uvm, FaultCostPresets.Of(FaultCostPresets.Uvm));
        // Half the workloads run on the smallest device over the whole VMA, so that eviction has work to do.
        var small = _rng.Next(2) == 0;
        var device = small ? m.Config.DeviceList.MinBy(d => d.Pages)!.Name : AnyDevice(m);
        var range = small ? PageRange.All : Range(vma.Pages);
        var accesses = _rng.Next(1, 4000);
        var parallel = Pick(1, 4, 32, 300);
        var writeFraction = Pick(0, 0, 30, 100) / 100.0;
        var seed = (ulong)_rng.Next();
        var evict = (EvictionPolicyKind)_rng.Next(6);
        // Half the lru draws become tree pre-eviction, decided by the seed's low bit so that the generator's stream
        // (and every later step) stays the one the earlier policies were drawn from.
        if (evict == EvictionPolicyKind.LeastRecentlyUsed && (seed & 1) == 1)
        {
            evict = EvictionPolicyKind.TreePreEviction;
        }
        // Half the batched draws count accesses instead (small thresholds, so that regions migrate), from the seed's bits.
        if (faults.Mode == FaultMode.Batched && (seed & 2) != 0)
        {
            faults = faults with
            {
                Mode = FaultMode.AccessCounters,
                Counters = new AccessCounterSettings(new long[] { 1, 4, 16, 256 }[(int)(seed >> 2) & 3], (seed & 16) != 0 ? 16 : 512, new[] { 1, 4, 256 }[(int)(seed >> 5) % 3]),
            };
        }
        var request = new WorkloadRequest(device, proc, vma.Name, range, pattern, accesses, parallel, writeFraction, seed, faults, evict,
            (PrefetchPolicyKind)_rng.Next(3), Thrash());
        Log.Add($"workload {request}");
        var r = new WorkloadResult();
        var e = m.Workload(request, r);
        return $"{e} accesses={r.Accesses} hits={r.Hits} faults={r.Faults} dup={r.DuplicateFaults} batches={r.Batches} "
            + $"fpb={r.FaultsPerBatch} bpb={r.BlocksPerBatch} migrated={r.MigratedPages} remote={r.RemotePages} "
            + $"copies={r.CopyBatches} faultUs={r.FaultServiceUs} evicted={r.Evicted} refaults={r.Refaults} prefetched={r.Prefetched} used={r.PrefetchUsed} "
            + $"thrash={r.ThrashingEvents} pinned={r.PinnedPages} throttled={r.ThrottledFaults} remoteAccesses={r.RemoteAccesses} "
            + $"throttleUs={r.ThrottleUs} totalUs={r.TotalUs}";
    }

    /// <summary>A thrashing policy half the time: windows from shorter than a batch to longer than most workloads, short pins so that some run out.</summary>
    private ThrashPolicy? Thrash()
    {
        if (_rng.Next(2) == 0)
        {
            return null;
        }
        var window = (double)Pick(50, 500, 100_000);
        return new ThrashPolicy(Pick(1, 2, 3, 5), window, (ThrashAction)_rng.Next(3), Pick(0, 300, 5_000, 150_000), Pick(0, 100, 500));
    }

    private string Stats(IMachine m)
    {
        Log.Add("stats");
        return Canonical.Of(m.Stats());
    }
}
