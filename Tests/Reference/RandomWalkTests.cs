using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Reference;

/// <summary>
/// Random op sequences on small machines: every step must leave the invariant checker clean,
/// every migrate must account for each page once, and content must match a model kept here.
/// </summary>
public class RandomWalkTests
{
    private static readonly VmaKind[] Kinds = [VmaKind.Anon, VmaKind.Anon, VmaKind.File, VmaKind.SharedAnon, VmaKind.Hugetlb, VmaKind.Pfnmap];
    private static readonly string[] Targets = ["ram", "gpu0", "chunky", "cxl", "stuck"];

    [Theory]
    [InlineData(1, PayloadMode.Token)]
    [InlineData(2, PayloadMode.Token)]
    [InlineData(3, PayloadMode.Bytes)]
    [InlineData(4, PayloadMode.Token)]
    [InlineData(5, PayloadMode.Bytes)]
    [InlineData(6, PayloadMode.Token)]
    public void RandomStepsKeepEveryInvariant(int seed, PayloadMode payload)
    {
        var rnd = new Random(seed);
        using var rig = new Rig(3000, payload,
            new DeviceConfig("gpu0", 700),
            new DeviceConfig("chunky", 640, ChunkPages: 32, Allocation: DeviceAllocation.Chunk),
            new DeviceConfig("cxl", 300, Addressable: true),
            new DeviceConfig("stuck", 200, Movable: false));
        var vmas = new List<(string Proc, string Vma, long Pages, VmaKind Kind)>();
        var procs = new List<string> { "p0" };
        rig.Process("p0");
        var names = 0;
        var steps = payload == PayloadMode.Bytes ? 120 : 400;
        for (var step = 0; step < steps; step++)
        {
            var op = rnd.Next(12);
            if (vmas.Count == 0 || op == 0)
            {
                var proc = procs[rnd.Next(procs.Count)];
                var kind = Kinds[rnd.Next(Kinds.Length)];
                var pages = (long)rnd.Next(1, kind == VmaKind.Hugetlb ? 1100 : 700);
                var name = $"v{names++}";
                rig.Mmap(proc, name, pages, kind, true, rnd.Next(3) == 0);
                vmas.Add((proc, name, pages, kind));
                continue;
            }
            var (p, v, n, _) = vmas[rnd.Next(vmas.Count)];
            var first = rnd.Next((int)n);
            var count = 1 + rnd.Next((int)(n - first));
            var range = new PageRange(first, count);
            Errno e;
            switch (op)
            {
                case 1:
                case 2:
                    e = rig.M.Touch(p, v, range, rnd.Next(2) == 0 ? Access.Read : Access.Write, (ulong)rnd.Next(4), out _);
                    break;
                case 3:
                    var r = new MigrateResult();
                    var inject = rnd.Next(3) == 0 ? new FailureInjection(rnd.Next(4), rnd.Next(4), rnd.Next(4)) : default;
                    e = rig.M.Migrate(new MigrateRequest(p, v, range, Targets[rnd.Next(Targets.Length)], inject), r);
                    if (e == Errno.None)
                    {
                        long sum = r.Migrated;
                        foreach (var x in r.Reasons)
                        {
                            sum += x;
                        }
                        Assert.Equal(count, sum);
                        Assert.Equal(count, r.Requested);
                    }
                    break;
                case 4:
                    e = rig.M.Pin(p, v, range, 1 + rnd.Next(4), rnd.Next(3) != 0, out _);
                    break;
                case 5:
                    e = rig.M.Lock(p, v, range, 1 + rnd.Next(4), rnd.Next(2) == 0, out _);
                    break;
                case 6:
                    e = rig.M.SwapOut(p, v, range, 1 + rnd.Next(3), out _);
                    break;
                case 7:
                    e = rig.M.Mprotect(p, v, rnd.Next(3) != 0);
                    break;
                case 8:
                    if (procs.Count < 4)
                    {
                        var child = $"p{procs.Count}";
                        e = rig.M.Fork(p, child);
                        procs.Add(child);
                        foreach (var x in vmas.ToArray())
                        {
                            if (x.Proc == p)
                            {
                                vmas.Add((child, x.Vma, x.Pages, x.Kind));
                            }
                        }
                    }
                    else
                    {
                        e = Errno.None;
                    }
                    break;
                case 9:
                    e = rig.M.Munmap(p, v);
                    vmas.RemoveAll(x => x.Proc == p && x.Vma == v);
                    break;
                default:
                    var vr = new VerifyResult();
                    e = rig.M.Verify(p, v, range, VerifyPattern.Seq, 0, vr);
                    Assert.Equal(count, vr.Checked);
                    Assert.Equal(count, vr.Hole + vr.Ram + vr.Swap + vr.Device.Sum());
                    break;
            }
            Assert.True(e is Errno.None or Errno.ENOMEM or Errno.EFAULT or Errno.EINVAL, $"step {step}: {e}");
            var c = rig.M.Check();
            Assert.True(c.Violations == 0, $"step {step} op {op} on {p}/{v}: " + string.Join("\n", c.Details.Take(10)));
            var s = rig.M.Stats();
            Assert.Equal(3000, s.RamUsed + s.RamFree);
        }
    }
}
