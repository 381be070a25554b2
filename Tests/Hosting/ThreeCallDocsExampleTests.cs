using HmmEcs.Components.Migration;
using HmmEcs.Systems.Hosting;
using HmmEcs.Systems.Machine;
using Xunit;

namespace HmmEcs.Tests.Hosting;

/// <summary>The three-call example of docs/hosting.md ("The three-call API"), as written there.</summary>
public sealed class ThreeCallDocsExampleTests
{
    [Theory]
    [InlineData("ecs")]
    [InlineData("reference")]
    public void TheDocsDriverLoopRuns(string engine)
    {
        var config = new MachineConfig(RamPages: 4096, Devices: [new DeviceConfig("gpu0", 1024)], Profile: SemanticsProfile.Mainline);
        using var sim = HostSimulation.FromConfig(config, engine)
            .Process("p")
            .Mmap("p", "buf", 256)
            .Touch("p", "buf", Access.Write, salt: 7);
        sim.RunToEnd();

        Span<ulong> src = stackalloc ulong[64];
        Span<ulong> dst = stackalloc ulong[64];
        Span<ulong> offered = stackalloc ulong[64];
        var result = new MigrateResult();
        long migrated = 0;
        for (long addr = 0; addr < 256; addr += 64)
        {
            var args = new MigrateVma("p", "buf", addr, addr + 64, "gpu0", MigrateSelect.System);
            if (sim.Machine.MigrateVmaSetup(args, src, dst) != Errno.None)
            {
                break;
            }
            src.CopyTo(offered);
            offered[0] &= ~MigratePfn.Migrate;                    // the driver declines the window's first page
            sim.Machine.MigrateVmaAllocAndCopy(args, offered, dst); // and allocates on gpu0 and copies the rest
            sim.Machine.MigrateVmaPages(args, src, dst);
            sim.Machine.MigrateVmaFinalize(args, src, dst, result);
            migrated += result.Migrated;
        }
        Console.WriteLine($"{migrated} of 256 pages on gpu0");   // 252 of 256 pages on gpu0

        Assert.Equal(252, migrated);
        var verify = new VerifyResult();
        Assert.Equal(Errno.None, sim.Machine.Verify("p", "buf", PageRange.All, VerifyPattern.Seq, 7, verify));
        Assert.Equal((0L, 252L, 4L), (verify.Mismatches, verify.Device[0], verify.Ram));
    }
}
