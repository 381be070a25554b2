using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Scenarios;

/// <summary>
/// A tiny stand-in machine for runner and CLI tests: it knows VMA sizes (so ranges resolve and past-the-end
/// ranges fail as the contract says) and answers with simple, predictable numbers derived from the range.
/// </summary>
internal sealed class FakeMachine(MachineConfig config) : IMachine
{
    private readonly Dictionary<(string, string), long> _vmas = [];

    /// <summary>Pages every migrate reports as pinned (capped at the range).</summary>
    public long PinnedPerMigrate { get; init; }

    /// <summary>Violations every <see cref="Check"/> reports.</summary>
    public int Violations { get; init; }

    /// <summary>Ops the machine has seen, in order.</summary>
    public List<string> Calls { get; } = [];

    public MachineConfig Config { get; } = config;
    public string EngineName => "fake";
    public bool Disposed { get; private set; }

    public Errno CreateProcess(string name) => Log("process", Errno.None);

    public Errno Mmap(string proc, string vma, long pages, VmaKind kind, bool writable, bool thp)
    {
        _vmas[(proc, vma)] = pages;
        return Log("mmap", Errno.None);
    }

    public Errno Touch(string proc, string vma, PageRange range, Access access, ulong salt, out FaultCounts faults)
    {
        faults = default;
        if (!Resolve(proc, vma, range, out var count))
        {
            faults.New = 99; // must not leak into the result: a failed step reports zeros
            return Log("touch", Errno.EFAULT);
        }
        faults.New = count;
        return Log("touch", Errno.None);
    }

    public Errno Fork(string proc, string child)
    {
        foreach (var ((p, v), pages) in _vmas.ToList())
        {
            if (p == proc)
            {
                _vmas[(child, v)] = pages;
            }
        }
        return Log("fork", Errno.None);
    }

    public Errno Pin(string proc, string vma, PageRange range, int every, bool take, out long pages) =>
        Selected(proc, vma, range, every, out pages, take ? "pin" : "unpin");

    public Errno Lock(string proc, string vma, PageRange range, int every, bool take, out long pages) =>
        Selected(proc, vma, range, every, out pages, take ? "lock" : "unlock");

    public Errno SwapOut(string proc, string vma, PageRange range, int every, out long swapped) =>
        Selected(proc, vma, range, every, out swapped, "swapout");

    public Errno Mprotect(string proc, string vma, bool writable) => Log("mprotect", Errno.None);

    public Errno Mprotect(string proc, string vma, PageRange range, PageProt prot) => Log("mprotect", Errno.None);

    public Errno Munmap(string proc, string vma, PageRange range) => Log("munmap", Errno.None);

    public Errno Mremap(string proc, string vma, PageRange range, string newVma, long pages, bool dontUnmap)
    {
        _vmas[(proc, newVma)] = pages;
        return Log("mremap", Errno.None);
    }

    public Errno Mmap(string proc, string vma, long pages, VmaKind kind, PageProt prot, bool thp) =>
        Mmap(proc, vma, pages, kind, prot == PageProt.ReadWrite, thp);

    public Errno Munmap(string proc, string vma)
    {
        _vmas.Remove((proc, vma));
        return Log("munmap", Errno.None);
    }

    public Errno Migrate(MigrateRequest request, MigrateResult result)
    {
        if (!Resolve(request.Proc, request.Vma, request.Range, out var count))
        {
            return Log("migrate", Errno.EINVAL);
        }
        var pinned = Math.Min(PinnedPerMigrate, count);
        result.Requested = count;
        result.Migrated = count - pinned;
        result.Reasons[(int)MigrateReason.Pinned] = pinned;
        result.TlbFlushes = (count + 511) / 512;
        result.Copy = new CopyStats { Pages = count - pinned, Bytes = (count - pinned) * 4096, Batches = 1, DeviceTimeUs = 12.3456 };
        return Log("migrate", Errno.None);
    }

    public Errno Verify(string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, VerifyResult result)
    {
        if (!Resolve(proc, vma, range, out var count))
        {
            result.Checked = 5; // must not leak into the result
            return Log("verify", Errno.EFAULT);
        }
        result.Checked = count;
        result.Ram = count;
        return Log("verify", Errno.None);
    }

    public StatsResult Stats()
    {
        Calls.Add("stats");
        var n = Config.DeviceList.Count;
        var s = new StatsResult { RamUsed = 1, RamFree = Config.RamPages - 1, DeviceUsed = new long[n], DeviceFree = new long[n], Pinned = 2, Locked = 3 };
        for (var d = 0; d < n; d++)
        {
            s.DeviceUsed[d] = d + 10;
            s.DeviceFree[d] = Config.DeviceList[d].Pages - (d + 10);
        }
        return s;
    }

    public CheckResult Check()
    {
        Calls.Add("check");
        var c = new CheckResult();
        for (var i = 0; i < Violations; i++)
        {
            c.Details.Add($"fake violation {i}");
        }
        return c;
    }

    public Errno DeviceRead(string device, string proc, string vma, PageRange range, VerifyPattern pattern, ulong salt, DeviceAccessResult result) =>
        DeviceAccess(proc, vma, range, result, "device-read");

    public Errno DeviceWrite(string device, string proc, string vma, PageRange range, ulong salt, DeviceAccessResult result) =>
        DeviceAccess(proc, vma, range, result, "device-write");

    public Errno Snapshot(string device, string proc, string vma, PageRange range, SnapshotResult result)
    {
        if (!Resolve(proc, vma, range, out var count))
        {
            return Log("snapshot", Errno.EFAULT);
        }
        result.None = count;
        return Log("snapshot", Errno.None);
    }

    public Errno Evict(string device, out long migrated)
    {
        migrated = 7;
        return Log("evict", Errno.None);
    }

    public Errno Workload(WorkloadRequest request, WorkloadResult result)
    {
        result.Accesses = request.Accesses;
        return Log("workload", Errno.None);
    }

    public void Inspect(string proc, string vma, long first, Span<PageView> dest) => dest.Clear();

    public void Dispose() => Disposed = true;

    private Errno Selected(string proc, string vma, PageRange range, int every, out long pages, string op)
    {
        pages = 0;
        if (!Resolve(proc, vma, range, out var count))
        {
            return Log(op, Errno.EFAULT);
        }
        pages = (count + every - 1) / every;
        return Log(op, Errno.None);
    }

    private Errno DeviceAccess(string proc, string vma, PageRange range, DeviceAccessResult result, string op)
    {
        if (!Resolve(proc, vma, range, out var count))
        {
            result.Pages = 3; // must not leak into the result
            return Log(op, Errno.EFAULT);
        }
        result.Pages = count;
        result.Faults = count;
        return Log(op, Errno.None);
    }

    private bool Resolve(string proc, string vma, PageRange range, out long count)
    {
        var ok = range.TryResolve(_vmas[(proc, vma)], out _, out count);
        return ok;
    }

    private Errno Log(string op, Errno e)
    {
        Calls.Add(op);
        return e;
    }
}
