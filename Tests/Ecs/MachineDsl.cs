using HmmEcs.Components.Migration;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Ecs;

/// <summary>Small helpers that drive an <see cref="EcsMachine"/> as a scenario file would.</summary>
internal static class MachineDsl
{
    public static EcsMachine Machine(long ram = 65536, params DeviceConfig[] devices) =>
        new(new MachineConfig(ram, PayloadMode.Token, 1, devices));

    public static EcsMachine BytesMachine(long ram = 65536, params DeviceConfig[] devices) =>
        new(new MachineConfig(ram, PayloadMode.Bytes, 1, devices));

    public static FaultCounts Touch(this IMachine m, string proc, string vma, Access access, ulong salt = 0, long first = 0, long? count = null)
    {
        Assert.Equal(Errno.None, m.Touch(proc, vma, new PageRange(first, count), access, salt, out var f));
        return f;
    }

    public static MigrateResult Migrate(this IMachine m, string proc, string vma, string to, long first = 0, long? count = null, FailureInjection inject = default)
    {
        var r = new MigrateResult();
        Assert.Equal(Errno.None, m.Migrate(new MigrateRequest(proc, vma, new PageRange(first, count), to, inject), r));
        Assert.Equal(r.Requested, r.Migrated + SumReasons(r));
        return r;
    }

    public static VerifyResult Verify(this IMachine m, string proc, string vma, VerifyPattern pattern, ulong salt, long first = 0, long? count = null)
    {
        var r = new VerifyResult();
        Assert.Equal(Errno.None, m.Verify(proc, vma, new PageRange(first, count), pattern, salt, r));
        return r;
    }

    public static void AssertClean(this IMachine m)
    {
        var c = m.Check();
        Assert.True(c.Violations == 0, string.Join("\n", c.Details));
    }

    public static PageView[] Views(this IMachine m, string proc, string vma, long first, int count)
    {
        var views = new PageView[count];
        m.Inspect(proc, vma, first, views);
        return views;
    }

    private static long SumReasons(MigrateResult r)
    {
        long sum = 0;
        foreach (var x in r.Reasons)
        {
            sum += x;
        }
        return sum;
    }
}
