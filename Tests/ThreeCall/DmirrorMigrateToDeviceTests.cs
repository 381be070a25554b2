using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;
using HmmEcs.Tests.Differential;

namespace HmmEcs.Tests.ThreeCall;

/// <summary>
/// lib/test_hmm.c's <c>dmirror_migrate_to_device</c> as a host drives it: the range in 64-page windows, each window
/// <c>migrate_vma_setup</c> (SELECT_SYSTEM), the driver's allocate-and-copy, <c>migrate_vma_pages</c>,
/// <c>migrate_vma_finalize</c>, with a driver that declines some pages before allocating, drops some after, and runs out
/// of device memory.
/// </summary>
public class DmirrorMigrateToDeviceTests
{
    private const int Window = 64;

    private sealed record Run(string Arrays, string Results, string State, long[] Reasons, long Migrated, long DeclinedSeen, long DroppedSeen);

    private static Run Drive(string engine)
    {
        using var m = ThreeCallRig.Machine(engine, gpu0Pages: 150);
        Span<ulong> src = stackalloc ulong[Window];
        Span<ulong> dst = stackalloc ulong[Window];
        Span<ulong> offered = stackalloc ulong[Window];
        var arrays = new System.Text.StringBuilder();
        var results = new System.Text.StringBuilder();
        var reasons = new long[MigrateReasons.Count];
        long migrated = 0, declined = 0, dropped = 0;
        var ramPfns = m.Config.RamPages;
        var gpu0 = m.Config.DevicePfnBase(0);
        for (long addr = 0; addr < 300; addr += Window)
        {
            var next = Math.Min(300, addr + Window);
            var n = (int)(next - addr);
            var args = new MigrateVma("p", "a", addr, next, "gpu0", MigrateSelect.System);
            Assert.Equal(Errno.None, m.MigrateVmaSetup(args, src[..n], dst[..n]));
            for (var k = 0; k < n; k++)
            {
                var e = src[k];
                Assert.Equal(0UL, e & 0b100UL); // bit 2, the former MIGRATE_PFN_LOCKED, is never set
                if ((e & MigratePfn.Valid) != 0)
                {
                    // SELECT_SYSTEM collects RAM pages only; their entries carry the RAM frame and the PTE's write bit.
                    Assert.InRange(MigratePfn.ToPfn(e), 0, ramPfns - 1);
                }
                else
                {
                    Assert.True(e is 0 or MigratePfn.Migrate, $"slot {addr + k}: 0x{e:x}");
                }
            }
            // The driver declines every 5th page before allocating (as nouveau skips what it cannot take).
            src[..n].CopyTo(offered);
            for (var k = 0; k < n; k += 5)
            {
                declined += (offered[k] & MigratePfn.Migrate) != 0 ? 1 : 0;
                offered[k] &= ~MigratePfn.Migrate;
            }
            m.MigrateVmaAllocAndCopy(args, offered[..n], dst[..n]);
            for (var k = 0; k < n; k++)
            {
                if (dst[k] != 0)
                {
                    Assert.InRange(MigratePfn.ToPfn(dst[k]), gpu0, gpu0 + 149);
                    Assert.Equal(src[k] & MigratePfn.Write, dst[k] & MigratePfn.Write);
                }
            }
            // ... and drops every 11th destination after the copy (dst 0: the page stays where it is).
            for (var k = 3; k < n; k += 11)
            {
                dropped += dst[k] != 0 ? 1 : 0;
                dst[k] = 0;
            }
            arrays.Append(string.Join(',', src[..n].ToArray())).Append('|').Append(string.Join(',', dst[..n].ToArray())).Append('\n');
            m.MigrateVmaPages(args, src[..n], dst[..n]);
            for (var k = 0; k < n; k++)
            {
                // After migrate_vma_pages, MIGRATE is left exactly on the pages that had a destination.
                Assert.Equal(dst[k] != 0 && (src[k] & MigratePfn.Valid) != 0 || dst[k] != 0 && src[k] == MigratePfn.Migrate, (src[k] & MigratePfn.Migrate) != 0);
            }
            arrays.Append(string.Join(',', src[..n].ToArray())).Append('\n');
            var result = new MigrateResult();
            Assert.Equal(Errno.None, m.MigrateVmaFinalize(args, src[..n], dst[..n], result));
            Assert.Equal(MigrateVmaStage.Finalized, args.Stage);
            results.Append(Canonical.Of(result)).Append('\n');
            for (var r = 0; r < reasons.Length; r++)
            {
                reasons[r] += result.Reasons[r];
            }
            migrated += result.Migrated;
        }
        var verify = new VerifyResult();
        m.Verify("p", "a", new PageRange(0, 250), VerifyPattern.Seq, 7, verify);
        Assert.Empty(m.Check().Details);
        return new Run(arrays.ToString(), results.ToString(), ThreeCallRig.State(m) + Canonical.Of(verify), reasons, migrated, declined, dropped);
    }

    [Fact]
    public void DeclinesDropsAndAFullDeviceEndInPlaceAndBothEnginesAgree()
    {
        var ecs = Drive("ecs");
        var reference = Drive("reference");
        Assert.Equal(reference.Arrays, ecs.Arrays);
        Assert.Equal(reference.Results, ecs.Results);
        Assert.Equal(reference.State, ecs.State);
        // The device holds 150 pages: every one is used, by pages and holes; the rest gave up for want of a destination.
        Assert.Equal(150, ecs.Migrated);
        Assert.True(ecs.DeclinedSeen > 0 && ecs.DroppedSeen > 0);
        Assert.True(ecs.Reasons[(int)MigrateReason.Alloc] >= ecs.DeclinedSeen + ecs.DroppedSeen,
            $"alloc {ecs.Reasons[(int)MigrateReason.Alloc]} < declined {ecs.DeclinedSeen} + dropped {ecs.DroppedSeen}");
        Assert.True(ecs.Reasons[(int)MigrateReason.Pinned] > 0 && ecs.Reasons[(int)MigrateReason.Locked] > 0 && ecs.Reasons[(int)MigrateReason.Swap] > 0);
        // Every page written is still readable with its content (a declined or dropped page never moved).
        Assert.Contains("mism=0", ecs.State);
    }
}
