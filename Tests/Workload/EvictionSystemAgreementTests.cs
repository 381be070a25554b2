using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload.Policies;
using HmmEcs.Systems.Workload.PolicySystems;

namespace HmmEcs.Tests.Workload;

/// <summary>
/// The ECS engine's eviction systems give the victims of the reference engine's plain orders, call for call: random
/// runs of accesses, faults, joins at batch ends, pages that leave and rejoin, and evictions, the way the runner makes
/// them (joins only at a batch's end, the systems run right after). The LRU system replays many accesses between two
/// events at once, so the runs put several accesses to one page, and accesses before and after its join, in one batch.
/// </summary>
public class EvictionSystemAgreementTests
{
    private const int Pages = 1536;

    private static WorkloadRequest Request(EvictionPolicyKind evict) =>
        new("gpu0", "p", "buf", PageRange.All, new AccessPattern(AccessPatternKind.Stream), 1, 1, WriteFraction: 0, Seed: 5,
            FaultHandling.Default, evict);

    [Theory]
    [InlineData(EvictionPolicyKind.LeastRecentlyUsed)]
    [InlineData(EvictionPolicyKind.TreePreEviction)]
    [InlineData(EvictionPolicyKind.LeastFrequentlyUsed)]
    [InlineData(EvictionPolicyKind.LeastRecentlyMigrated)]
    [InlineData(EvictionPolicyKind.Random)]
    public void TheSystemsChooseThePlainOrdersVictims(EvictionPolicyKind evict)
    {
        for (var seed = 1; seed <= 8; seed++)
        {
            var request = Request(evict);
            var plain = new PlainPolicies(request, first: 100, Pages);
            var (systems, context, builtIns) = new WorkloadPolicies().Begin(request, first: 100, Pages);
            using var world = context;
            using var group = builtIns;
            Run(ref plain, ref systems, new Random(seed), $"{evict} seed {seed}");
        }
    }

    private static void Run(ref PlainPolicies plain, ref SystemPolicies systems, Random random, string what)
    {
        var resident = new bool[Pages];
        var joining = new List<int>();
        var plainVictims = new int[Pages + 512];
        var systemVictims = new int[Pages + 512];
        var evictions = 0;
        for (var step = 0; step < 4000; step++)
        {
            // Mostly a hot quarter of the range, so that pages are accessed again while resident and between joins.
            var page = random.Next(4) == 0 ? random.Next(Pages) : random.Next(Pages / 4);
            switch (random.Next(100))
            {
                case < 60 when plain.WatchesHits:
                    // A hit; on a page that is not on the device, a remote access (neither order moves it).
                    plain.Hit(page);
                    systems.Hit(page);
                    break;
                case >= 60 and < 66:
                    plain.Fault(page);
                    systems.Fault(page);
                    if (resident[page])
                    {
                        // A write to a read-only resident page: it leaves while its batch is serviced.
                        plain.Leave(page);
                        systems.Leave(page);
                        resident[page] = false;
                    }
                    joining.Add(page);
                    break;
                case >= 66 and < 80:
                    for (var k = 0; k < 4; k++)
                    {
                        joining.Add(random.Next(Pages / 4));
                    }
                    joining.Sort();
                    foreach (var p in joining)
                    {
                        plain.Join(p);
                        systems.Join(p);
                        resident[p] = true;
                    }
                    joining.Clear();
                    plain.EndBatch();
                    systems.EndBatch();
                    break;
                case >= 80 and < 84:
                    var wanted = 1 + random.Next(24);
                    var n = plain.TakeVictims(wanted, plainVictims);
                    Assert.Equal(plainVictims.AsSpan(0, n).ToArray(), systemVictims.AsSpan(0, systems.TakeVictims(wanted, systemVictims)).ToArray());
                    foreach (var v in plainVictims.AsSpan(0, n))
                    {
                        resident[v] = false;
                    }
                    evictions += n;
                    break;
            }
        }
        Assert.True(evictions > 1000, $"{what}: only {evictions} victims");
    }
}
