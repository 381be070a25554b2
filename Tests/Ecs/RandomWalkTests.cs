using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Ecs;

/// <summary>Random sequences of every op on a small machine keep every invariant after every step.</summary>
public class RandomWalkTests
{
    [Theory]
    [InlineData(1, PayloadMode.Token)]
    [InlineData(2, PayloadMode.Token)]
    [InlineData(3, PayloadMode.Bytes)]
    [InlineData(4, PayloadMode.Token)]
    [InlineData(5, PayloadMode.Token)]
    [InlineData(6, PayloadMode.Bytes)]
    [InlineData(7, PayloadMode.Token)]
    [InlineData(8, PayloadMode.Token)]
    public void EveryStepKeepsTheInvariants(int seed, PayloadMode payload)
    {
        var rng = new Random(seed);
        var devices = new[]
        {
            new DeviceConfig("gpu0", 700, ChunkPages: 32),
            new DeviceConfig("cxl", 300, Addressable: true),
            new DeviceConfig("gpuC", 256, ChunkPages: 64, Allocation: DeviceAllocation.Chunk),
            new DeviceConfig("stuck", 128, Movable: false),
        };
        using var m = new EcsMachine(new MachineConfig(3000, payload, seed, devices));
        var procs = new List<string> { "p0" };
        m.CreateProcess("p0");
        var vmas = new List<(string Proc, string Name, long Pages)>();
        var kinds = new[] { VmaKind.Anon, VmaKind.Anon, VmaKind.SharedAnon, VmaKind.File, VmaKind.Hugetlb, VmaKind.Pfnmap };
        var targets = new[] { "gpu0", "cxl", "gpuC", "stuck", "ram" };
        for (var step = 0; step < 250; step++)
        {
            var op = rng.Next(12);
            if (vmas.Count == 0 || op == 0)
            {
                var proc = procs[rng.Next(procs.Count)];
                var pages = rng.Next(1, 3) == 1 ? rng.Next(1, 200) : 512 + rng.Next(0, 600);
                var name = $"v{step}";
                var kind = kinds[rng.Next(kinds.Length)];
                Assert.Equal(Errno.None, m.Mmap(proc, name, pages, kind, rng.Next(4) != 0, rng.Next(2) == 0));
                vmas.Add((proc, name, pages));
                continue;
            }
            var (p, v, n) = vmas[rng.Next(vmas.Count)];
            var first = rng.Next((int)n);
            var range = new PageRange(first, rng.Next(1, (int)(n - first) + 1));
            var every = rng.Next(1, 5);
            switch (op)
            {
                case 1:
                case 2:
                    m.Touch(p, v, range, rng.Next(2) == 0 ? Access.Read : Access.Write, (ulong)rng.Next(1, 1000), out _);
                    break;
                case 3:
                    m.Migrate(new MigrateRequest(p, v, range, targets[rng.Next(targets.Length)],
                        new FailureInjection(rng.Next(4) == 0 ? rng.Next(1, 6) : 0, rng.Next(4) == 0 ? rng.Next(1, 6) : 0, rng.Next(4) == 0 ? rng.Next(1, 6) : 0)),
                        new MigrateResult());
                    break;
                case 4:
                    m.Migrate(new MigrateRequest(p, v, PageRange.All, targets[rng.Next(targets.Length)]), new MigrateResult());
                    break;
                case 5:
                    m.Pin(p, v, range, every, rng.Next(3) != 0, out _);
                    break;
                case 6:
                    m.Lock(p, v, range, every, rng.Next(3) != 0, out _);
                    break;
                case 7:
                    m.SwapOut(p, v, range, every, out _);
                    break;
                case 8:
                    m.Mprotect(p, v, rng.Next(2) == 0);
                    break;
                case 9:
                    if (procs.Count < 4)
                    {
                        var child = $"p{procs.Count}";
                        m.Fork(p, child);
                        procs.Add(child);
                        foreach (var x in vmas.ToArray())
                        {
                            if (x.Proc == p)
                            {
                                vmas.Add((child, x.Name, x.Pages));
                            }
                        }
                    }
                    break;
                case 10:
                    if (rng.Next(3) == 0)
                    {
                        m.Munmap(p, v);
                        vmas.Remove((p, v, n));
                    }
                    break;
                case 11:
                    var verify = new VerifyResult();
                    m.Verify(p, v, range, VerifyPattern.Seq, 1, verify);
                    Assert.Equal(verify.Checked, verify.Hole + verify.Ram + verify.Swap + verify.Device.Sum());
                    break;
            }
            var check = m.Check();
            Assert.True(check.Violations == 0, $"seed {seed} step {step} op {op}: " + string.Join("\n", check.Details));
        }
    }
}
