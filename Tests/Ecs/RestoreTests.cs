using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.EcsEngine;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Ecs;

/// <summary>Every way a page can fail restores it exactly: mapping, write bit, content; the checker stays clean.</summary>
public class RestoreTests
{
    private const int Pages = 1024;

    /// <summary>Pages 0..511 writable, 512..1023 read-only PTEs in a writable VMA, all written with salt 5.</summary>
    private static EcsMachine Build(long devicePages = 4096, VmaKind kind = VmaKind.Anon)
    {
        var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", devicePages));
        m.CreateProcess("p");
        m.Mmap("p", "buf", Pages, kind, true, false);
        m.Touch("p", "buf", Access.Write, 5);
        Assert.Equal(Errno.None, m.Mprotect("p", "buf", false));
        Assert.Equal(Errno.None, m.Mprotect("p", "buf", true));
        var f = m.Touch("p", "buf", Access.Write, 5, 0, 512);
        Assert.Equal(512, f.Cow);
        return m;
    }

    public static TheoryData<string> Failures => ["locked", "pinned", "isolate", "unmap", "alloc", "file-unaddressable", "migrate-page"];

    [Theory]
    [MemberData(nameof(Failures))]
    public void FailedPagesKeepMappingWriteBitAndContent(string failure)
    {
        var kind = failure == "file-unaddressable" ? VmaKind.File : VmaKind.Anon;
        using var m = Build(failure == "alloc" ? 600 : 4096, kind);
        var inject = default(FailureInjection);
        var reason = MigrateReasons.TryParse(failure, out var r0) ? r0 : MigrateReason.None;
        switch (failure)
        {
            case "locked":
                Assert.Equal(Errno.None, m.Lock("p", "buf", PageRange.All, 3, true, out _));
                break;
            case "pinned":
                Assert.Equal(Errno.None, m.Pin("p", "buf", PageRange.All, 3, true, out _));
                break;
            case "isolate":
                inject = new FailureInjection(IsolateEvery: 3);
                break;
            case "unmap":
                inject = new FailureInjection(UnmapEvery: 3);
                break;
            case "migrate-page":
                inject = new FailureInjection(MigratePageEvery: 3);
                break;
        }
        var before = m.Views("p", "buf", 0, Pages);
        var result = m.Migrate("p", "buf", "gpu0", inject: inject);
        var after = m.Views("p", "buf", 0, Pages);
        var expectedFailed = failure switch
        {
            "alloc" => Pages - 600,
            "file-unaddressable" => Pages,
            _ => (Pages + 2) / 3,
        };
        Assert.Equal(expectedFailed, result[reason]);
        Assert.Equal(Pages - expectedFailed, result.Migrated);
        for (var i = 0; i < Pages; i++)
        {
            Assert.Equal(before[i].Content, after[i].Content);
            Assert.Equal(before[i].Writable, after[i].Writable);
            if (result.PageOutcomes[i] == MigrateReason.None)
            {
                Assert.Equal(Residence.Device, after[i].Residence);
                Assert.Equal(0, after[i].Device);
            }
            else
            {
                Assert.Equal(reason, result.PageOutcomes[i]);
                Assert.Equal(before[i], after[i]);
            }
        }
        Assert.Equal(Pages - expectedFailed, m.Stats().DeviceUsed[0]);
        m.AssertClean();
        // A failed page can still migrate once the obstacle is gone (the lock and LRU state were restored).
        if (failure is "locked" or "isolate" or "unmap" or "migrate-page")
        {
            if (failure == "locked")
            {
                Assert.Equal(Errno.None, m.Lock("p", "buf", PageRange.All, 3, false, out _));
            }
            var again = m.Migrate("p", "buf", "gpu0");
            Assert.Equal(expectedFailed, again.Migrated);
            Assert.Equal(Pages - expectedFailed, again[MigrateReason.AlreadyOnTarget]);
            Assert.Equal(0, m.Verify("p", "buf", VerifyPattern.Seq, 5).Mismatches);
            m.AssertClean();
        }
    }

    [Fact]
    public void InjectionHitsEveryKthPageFromFirst()
    {
        using var m = Build();
        var r = m.Migrate("p", "buf", "gpu0", 10, 100, new FailureInjection(UnmapEvery: 10));
        Assert.Equal(10, r[MigrateReason.Unmap]);
        for (var k = 0; k < 100; k++)
        {
            Assert.Equal(k % 10 == 0 ? MigrateReason.Unmap : MigrateReason.None, r.PageOutcomes[k]);
        }
        m.AssertClean();
    }

    [Fact]
    public void FirstReasonInOrderWins()
    {
        using var m = Build();
        // Locked at collect comes before pinned at lock-and-isolate.
        m.Pin("p", "buf", new PageRange(0, 10), 1, true, out _);
        m.Lock("p", "buf", new PageRange(0, 10), 2, true, out _);
        var r = m.Migrate("p", "buf", "gpu0", 0, 10, new FailureInjection(IsolateEvery: 1));
        Assert.Equal(5, r[MigrateReason.Locked]);
        Assert.Equal(5, r[MigrateReason.Pinned]);
        Assert.Equal(0, r[MigrateReason.Isolate]);
        m.AssertClean();
    }
}
