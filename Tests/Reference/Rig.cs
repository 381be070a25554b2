using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Systems.ReferenceEngine;

namespace HmmEcs.Tests.Reference;

/// <summary>Drives a <see cref="ReferenceMachine"/> through IMachine and runs the invariant checker after every step.</summary>
internal sealed class Rig : IDisposable
{
    public Rig(long ramPages = 65536, PayloadMode payload = PayloadMode.Token, params DeviceConfig[] devices)
    {
        M = new ReferenceMachine(new MachineConfig(ramPages, payload, 1, devices));
    }

    public IMachine M { get; }

    public void Ok(Errno e)
    {
        Assert.Equal(Errno.None, e);
        Clean();
    }

    public void Clean()
    {
        var c = M.Check();
        Assert.True(c.Violations == 0, string.Join("\n", c.Details.Take(20)));
    }

    public void Process(string name) => Ok(M.CreateProcess(name));

    public void Mmap(string proc, string vma, long pages, VmaKind kind = VmaKind.Anon, bool writable = true, bool thp = false) =>
        Ok(M.Mmap(proc, vma, pages, kind, writable, thp));

    public FaultCounts Touch(string proc, string vma, Access access, ulong salt = 0, long first = 0, long? count = null)
    {
        Ok(M.Touch(proc, vma, new PageRange(first, count), access, salt, out var f));
        return f;
    }

    public FaultCounts Write(string proc, string vma, ulong salt, long first = 0, long? count = null) =>
        Touch(proc, vma, Access.Write, salt, first, count);

    public MigrateResult Migrate(string proc, string vma, string to, long first = 0, long? count = null, FailureInjection inject = default)
    {
        var r = new MigrateResult();
        Ok(M.Migrate(new MigrateRequest(proc, vma, new PageRange(first, count), to, inject), r));
        long sum = r.Migrated;
        foreach (var n in r.Reasons)
        {
            sum += n;
        }
        Assert.Equal(r.Requested, sum);
        Assert.Equal(r.Requested, r.PageOutcomes.Length);
        return r;
    }

    public VerifyResult Verify(string proc, string vma, ulong salt, long first = 0, long? count = null, VerifyPattern pattern = VerifyPattern.Seq)
    {
        var r = new VerifyResult();
        Ok(M.Verify(proc, vma, new PageRange(first, count), pattern, salt, r));
        return r;
    }

    public long Pin(string proc, string vma, int every = 1, bool take = true, long first = 0, long? count = null)
    {
        Ok(M.Pin(proc, vma, new PageRange(first, count), every, take, out var n));
        return n;
    }

    public long Lock(string proc, string vma, int every = 1, bool take = true, long first = 0, long? count = null)
    {
        Ok(M.Lock(proc, vma, new PageRange(first, count), every, take, out var n));
        return n;
    }

    public long SwapOut(string proc, string vma, int every = 1, long first = 0, long? count = null)
    {
        Ok(M.SwapOut(proc, vma, new PageRange(first, count), every, out var n));
        return n;
    }

    public PageView[] Inspect(string proc, string vma, long first, int count)
    {
        var views = new PageView[count];
        M.Inspect(proc, vma, first, views);
        return views;
    }

    public void Dispose() => M.Dispose();
}
