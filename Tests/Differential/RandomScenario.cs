using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Machine.Races;

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
        // Half the machines have the shared zero page (drawn last, after the profile's own draws).
        var zeroPage = _rng.Next(2) == 0;
        // Half have the swap cache (drawn after the zero page, so earlier draws stay as they were).
        var swapCache = _rng.Next(2) == 0;
        // One machine in six runs the seed as posted (drawn last, so every other draw stays as it was).
        if (_rng.Next(6) == 0)
        {
            profile = SemanticsProfile.V13AsPosted;
        }
        return new MachineConfig(RamPages: ram, Payload: payload, Seed: seed, Devices: devices, Profile: profile)
        {
            ZeroPage = zeroPage, SwapCache = swapCache,
        };
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
            < 51 => ("munmap", Munmap(m, proc, vma)),
            < 53 => ("mremap", Mremap(m, proc, vma)),
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

    /// <summary>One or more whole 512-page regions of a VMA of <paramref name="pages"/> pages (at least 512).</summary>
    private PageRange PmdRange(long pages)
    {
        var regions = (int)(pages / 512);
        var first = _rng.Next(regions);
        return new PageRange(first * 512L, 512L * _rng.Next(1, regions - first + 1));
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
        var kinds = new[] { VmaKind.Anon, VmaKind.Anon, VmaKind.Anon, VmaKind.SharedAnon, VmaKind.File, VmaKind.Hugetlb, VmaKind.Pfnmap, VmaKind.FilePrivate };
        var kind = kinds[_rng.Next(kinds.Length)];
        var pages = (long)(_rng.Next(3) == 0 ? Pick(512, 1024, 1536) : _rng.Next(1, 700));
        var writable = _rng.Next(8) != 0;
        var thp = kind == VmaKind.Anon && _rng.Next(3) == 0;
        var name = "v" + _names++;
        // Drawn last, so earlier draws stay as they were: one mapping in 16 starts PROT_NONE.
        var prot = _rng.Next(16) == 0 ? PageProt.None : writable ? PageProt.ReadWrite : PageProt.Read;
        Log.Add($"mmap {proc} {name} pages={pages} {kind} {prot} thp={thp}");
        var e = m.Mmap(proc, name, pages, kind, prot, thp);
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
        // Under mainline a pin is sometimes long-term (FOLL_LONGTERM: coherent pages migrate to RAM first).
        var longterm = take && m.Config.Profile == SemanticsProfile.Mainline && _rng.Next(3) == 0;
        Log.Add($"{(take ? "pin" : "unpin")} {proc} {vma.Name} {range} every={every}{(longterm ? " longterm" : "")}");
        var e = longterm
            ? m.PinLongterm(proc, vma.Name, range, every, out var pages)
            : m.Pin(proc, vma.Name, range, every, take, out pages);
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
        // Half the calls protect a range only (a split of the kernel's VMA); PROT_NONE a quarter of the time.
        var prot = Pick(0, 1, 2, 3) switch { 0 => PageProt.None, 1 => PageProt.Read, _ => PageProt.ReadWrite };
        var range = _rng.Next(2) == 0 ? PageRange.All : Range(vma.Pages);
        Log.Add($"mprotect {proc} {vma.Name} {range} {prot}");
        return $"{m.Mprotect(proc, vma.Name, range, prot)} {prot}";
    }

    private string Munmap(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        if (_rng.Next(2) == 0)
        {
            var range = Range(vma.Pages);
            Log.Add($"munmap {proc} {vma.Name} {range}");
            return $"{m.Munmap(proc, vma.Name, range)} partial";
        }
        Log.Add($"munmap {proc} {vma.Name}");
        var e = m.Munmap(proc, vma.Name);
        if (e == Errno.None)
        {
            _vmas[proc].Remove(vma);
        }
        return $"{e}";
    }

    private string Mremap(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var range = Range(vma.Pages);
        var count = Math.Max(1, range.Count ?? vma.Pages - range.First);
        var dontUnmap = _rng.Next(3) == 0;
        var pages = dontUnmap ? count : Math.Max(1, Pick(0, 1, 2) switch { 0 => count, 1 => count / 2, _ => count + 100 });
        var name = "v" + _names++;
        Log.Add($"mremap {proc} {vma.Name} {range} -> {name} pages={pages} dontUnmap={dontUnmap}");
        var e = m.Mremap(proc, vma.Name, range, name, pages, dontUnmap);
        if (e == Errno.None)
        {
            _vmas[proc].Add((name, pages, vma.Kind));
        }
        return $"{e} {pages}";
    }

    private string Migrate(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma)
    {
        var devices = m.Config.DeviceList;
        var to = _rng.Next(devices.Count + 1) is var d && d == devices.Count ? "ram" : devices[d].Name;
        var inject = _rng.Next(6) == 0
            ? new FailureInjection(Pick(0, 3, 5), Pick(0, 4, 7), Pick(0, 6, 11))
            : default;
        var r = new MigrateResult();
        // Mainline calls sometimes cover whole PMD regions, where select compound moves folios and holes whole.
        var range = m.Config.Profile == SemanticsProfile.Mainline && vma.Pages >= 512 && _rng.Next(2) == 0
            ? PmdRange(vma.Pages)
            : Range(vma.Pages);
        MigrateSelect? select = null;
        string? owner = null;
        if (m.Config.Profile == SemanticsProfile.Mainline)
        {
            // Half the calls take the defaults; the others name any non-empty selection and sometimes an owner.
            // Compound units need system (or device-private toward RAM) with compound: drawn on their own too.
            select = _rng.Next(2) == 0 ? null
                : _rng.Next(3) == 0 ? MigrateSelect.Compound | (to == "ram" ? MigrateSelect.DevicePrivate : MigrateSelect.System)
                : (MigrateSelect)_rng.Next(1, 16);
            owner = _rng.Next(3) == 0 ? devices[_rng.Next(devices.Count)].Name : null;
        }
        if (m.Config.Profile == SemanticsProfile.Mainline && inject.IsEmpty && _rng.Next(3) == 0)
        {
            return ThreeCalls(m, proc, vma, range, to, select, owner);
        }
        // A quarter of the calls race other actors (drawn last, so the rest of the call is what it was without them).
        var races = _rng.Next(4) == 0 ? Races(m, proc, vma.Name, range) : null;
        Log.Add($"migrate {proc} {vma.Name} {range} to={to} {inject} select={select} owner={owner} races=[{string.Join("; ", races ?? [])}]");
        var e = m.Migrate(new MigrateRequest(proc, vma.Name, range, to, inject, select, owner, races), r);
        if (e == Errno.None && races is not null)
        {
            FollowRaces(m, proc, races);
        }
        return $"{e} to={to} {Canonical.Of(r)} {Canonical.Of(r.Races)}";
    }

    /// <summary>
    /// One to three races at boundaries in order: faults and pins anywhere, munmap and fork of the migrating process, small
    /// second migrates; then, a third of the time, a write over the call's range through another process's copy of the
    /// VMA (<paramref name="vma"/>, shared by fork) over <paramref name="callRange"/>: PTEs still present while the call holds their pages.
    /// </summary>
    private List<MigrateRace> Races(IMachine m, string proc, string vma, PageRange callRange)
    {
        var n = _rng.Next(1, 4);
        var at = new int[n];
        for (var j = 0; j < n; j++)
        {
            at[j] = _rng.Next(RaceBoundaries.Count);
        }
        Array.Sort(at);
        var races = new List<MigrateRace>(n);
        foreach (var b in at)
        {
            var boundary = (RaceBoundary)b;
            var who = _procs[_rng.Next(_procs.Count)];
            var roll = _rng.Next(10);
            if (roll < 7 && _vmas[who].Count > 0)
            {
                var v = _vmas[who][_rng.Next(_vmas[who].Count)];
                var range = Range(v.Pages);
                races.Add(roll switch
                {
                    < 3 => new MigrateRace(boundary, RaceOp.Touch, who, v.Name, range, _rng.Next(2) == 0 ? Access.Read : Access.Write, (ulong)_rng.Next(1, 1000)),
                    < 5 => new MigrateRace(boundary, RaceOp.Pin, who, v.Name, range),
                    _ => new MigrateRace(boundary, RaceOp.Migrate, who, v.Name, new PageRange(_rng.Next((int)v.Pages), _rng.Next(1, 65)),
                        To: _rng.Next(m.Config.DeviceList.Count + 1) is var d && d == m.Config.DeviceList.Count ? "ram" : m.Config.DeviceList[d].Name),
                });
            }
            else if (roll < 9 && _vmas[proc].Count > 0)
            {
                races.Add(new MigrateRace(boundary, RaceOp.Munmap, proc, _vmas[proc][_rng.Next(_vmas[proc].Count)].Name));
            }
            else if (_procs.Count < 4)
            {
                races.Add(new MigrateRace(boundary, RaceOp.Fork, proc, Child: "p" + _names++));
            }
        }
        // Drawn after the races above, so they stay as they were.
        if (_rng.Next(3) == 0)
        {
            AddSharerWrite(races, proc, vma, callRange);
        }
        return races;
    }

    /// <summary>
    /// A write race over <paramref name="range"/> by a process other than <paramref name="proc"/> that has a VMA named
    /// <paramref name="vma"/> (a fork copy), at a random boundary, inserted in boundary order. None when no such process.
    /// </summary>
    private void AddSharerWrite(List<MigrateRace> races, string proc, string vma, PageRange range)
    {
        var boundary = (RaceBoundary)_rng.Next(RaceBoundaries.Count);
        var salt = (ulong)_rng.Next(1, 1000);
        var start = _rng.Next(_procs.Count);
        for (var k = 0; k < _procs.Count; k++)
        {
            var who = _procs[(start + k) % _procs.Count];
            if (who == proc || !_vmas[who].Exists(v => v.Name == vma))
            {
                continue;
            }
            var at = races.FindLastIndex(r => r.At <= boundary) + 1;
            races.Insert(at, new MigrateRace(boundary, RaceOp.Touch, who, vma, range, Access.Write, salt));
            return;
        }
    }

    /// <summary>
    /// The names a call's races changed once it is over: munmaps remove, forks add (in the order listed). Under
    /// v13-as-posted either may have hung on a page the call stranded (changing nothing): the machine is asked, the
    /// same way for both engines, whether the VMA is still there or the child has the parent's first VMA.
    /// </summary>
    private void FollowRaces(IMachine m, string proc, List<MigrateRace> races)
    {
        foreach (var r in races)
        {
            if (r.Op == RaceOp.Munmap && !Exists(m, proc, r.Vma!))
            {
                _vmas[proc].RemoveAll(v => v.Name == r.Vma);
            }
            else if (r.Op == RaceOp.Fork && (_vmas[proc].Count == 0 || Exists(m, r.Child!, _vmas[proc][0].Name)))
            {
                _procs.Add(r.Child!);
                _vmas[r.Child!] = [.. _vmas[proc]];
            }
        }
    }

    private static bool Exists(IMachine m, string proc, string vma)
    {
        try
        {
            m.Inspect(proc, vma, 0, []);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>
    /// The mainline three-call API over the range, the driver declining every <c>j</c>-th slot before allocating and
    /// dropping every <c>l</c>-th destination after (0: none); the arrays at each call are part of the answer.
    /// </summary>
    private string ThreeCalls(IMachine m, string proc, (string Name, long Pages, VmaKind Kind) vma, PageRange range, string to, MigrateSelect? select, string? owner)
    {
        var (decline, drop) = (Pick(0, 0, 2, 5), Pick(0, 0, 3, 7));
        var start = range.First;
        var end = start + (range.Count ?? (vma.Pages - start));
        Log.Add($"migrate-vma {proc} {vma.Name} [{start}, {end}) to={to} select={select} owner={owner} decline={decline} drop={drop}");
        var args = new MigrateVma(proc, vma.Name, start, end, to, select, owner);
        var (src, dst) = (new ulong[args.NPages], new ulong[args.NPages]);
        var e = m.MigrateVmaSetup(args, src, dst);
        if (e != Errno.None)
        {
            return $"setup {e}";
        }
        var answer = new System.Text.StringBuilder($"cpages={args.Cpages} src=[{string.Join(',', src)}] ");
        var offered = (ulong[])src.Clone();
        for (var k = 0; decline > 0 && k < offered.Length; k += decline)
        {
            offered[k] &= ~MigratePfn.Migrate;
        }
        m.MigrateVmaAllocAndCopy(args, offered, dst);
        for (var k = 0; drop > 0 && k < dst.Length; k += drop)
        {
            dst[k] = 0;
        }
        answer.Append($"dst=[{string.Join(',', dst)}] ");
        m.MigrateVmaPages(args, src, dst);
        answer.Append($"pages=[{string.Join(',', src)}] ");
        var r = new MigrateResult();
        m.MigrateVmaFinalize(args, src, dst, r);
        return answer.Append(Canonical.Of(r)).ToString();
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
        return $"{e} none={r.None} read={r.Read} write={r.Write} huge={r.Huge} local={r.DeviceLocal} remote={r.DeviceRemote} coherent={r.CoherentLocal}/{r.CoherentRemote} error={r.Error}";
    }

    private string Evict(IMachine m)
    {
        var device = AnyDevice(m);
        var pages = m.Config.DeviceList[m.Config.DeviceIndex(device)].Pages;
        if (_rng.Next(2) == 0)
        {
            Log.Add($"evict {device}");
            var all = m.Evict(device, out var moved);
            return $"{all} migrated={moved}";
        }
        // migrate_device_range: a range of the device's pages, now and then reaching past its end (EFAULT).
        var range = new PageRange(_rng.NextInt64(pages), 1 + _rng.NextInt64(Math.Max(1, pages / 2)));
        Log.Add($"evict {device} {range}");
        var e = m.Evict(device, range, out var migrated);
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
            AccessPatternKind.Tiled => new AccessPattern(kind) { Width = Pick(8, 64, 512), Tile = Pick(1, 4, 16), Reuse = Pick(1, 3), Sweep = (TiledSweep)Pick(0, 1) },
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
        // A quarter of the workloads replay a trace instead, decided and drawn from the seed (not the generator).
        if ((seed >> 12) % 4 == 0)
        {
            pattern = new AccessPattern(AccessPatternKind.Trace) { Trace = RandomTrace(seed, Math.Max(1, range.TryResolve(vma.Pages, out _, out var n) ? n : vma.Pages), accesses, writeFraction) };
            writeFraction = 0;
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

    /// <summary>
    /// A trace over <paramref name="pages"/> pages, shorter or longer than the workload: runs and jumps, writes at
    /// <paramref name="writeFraction"/>, now and then a page past the range (EINVAL); in memory, binary or CSV.
    /// </summary>
    private static AccessTrace RandomTrace(ulong seed, long pages, long accesses, double writeFraction)
    {
        var rng = new Random((int)(seed & int.MaxValue));
        var length = 1 + rng.Next((int)Math.Min(2 * accesses, 8000));
        var list = new long[length];
        var writes = new bool[length];
        var page = 0L;
        for (var i = 0; i < length; i++)
        {
            page = rng.Next(3) == 0 ? rng.NextInt64(pages) : (page + 1) % pages;
            list[i] = page;
            writes[i] = rng.NextDouble() < writeFraction;
        }
        if (rng.Next(16) == 0)
        {
            list[rng.Next(length)] = pages;
        }
        if (rng.Next(2) == 0)
        {
            return AccessTrace.FromAccesses(list, writes);
        }
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < length; i++)
        {
            text.Append(list[i]).Append(writes[i] ? ",w," : ",r,").Append(i).Append('\n');
        }
        return AccessTrace.FromBytes(System.Text.Encoding.ASCII.GetBytes(text.ToString()), TraceFormat.Csv);
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
