using HmmEcs.Components.Memory;
using HmmEcs.Components.Migration;
using HmmEcs.Systems.Machine;

namespace HmmEcs.Tests.Ecs;

/// <summary>The helper end to end: fork, fault-back, chunk rule, THP split, EINVAL, device to device, RAM.</summary>
public class MigrationTests
{
    [Fact]
    public void ForkThenMigrateMovesEveryMapping()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 4096));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 600, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 9);
        m.Fork("p", "c");
        m.Fork("c", "g");
        var r = m.Migrate("c", "buf", "gpu0");
        Assert.Equal(600, r.Migrated);
        foreach (var proc in new[] { "p", "c", "g" })
        {
            var v = m.Verify(proc, "buf", VerifyPattern.Seq, 9);
            Assert.Equal(0, v.Mismatches);
            Assert.Equal(600, v.Device[0]);
            Assert.All(m.Views(proc, "buf", 0, 600), view => Assert.False(view.Writable));
        }
        Assert.Equal(600, m.Stats().DeviceUsed[0]);
        Assert.Equal(0, m.Stats().RamUsed);
        m.AssertClean();
        // The grandchild's write brings the page back for all three, then copies it for itself.
        var f = m.Touch("g", "buf", Access.Write, 10, 0, 1);
        Assert.Equal(1, f.Device);
        Assert.Equal(1, f.Cow);
        Assert.Equal(Residence.Ram, m.Views("p", "buf", 0, 1)[0].Residence);
        Assert.Equal(Residence.Ram, m.Views("c", "buf", 0, 1)[0].Residence);
        Assert.Equal(2, m.Stats().RamUsed);
        m.AssertClean();
        Assert.Equal(Errno.None, m.Munmap("p", "buf"));
        Assert.Equal(Errno.None, m.Munmap("c", "buf"));
        Assert.Equal(Errno.None, m.Munmap("g", "buf"));
        Assert.Equal(0, m.Stats().DeviceUsed[0]);
        Assert.Equal(0, m.Stats().RamUsed);
        m.AssertClean();
    }

    [Fact]
    public void WriteFaultBackKeepsWriteBitWithoutCow()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 64));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 8, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 1);
        Assert.Equal(8, m.Migrate("p", "buf", "gpu0").Migrated);
        var f = m.Touch("p", "buf", Access.Write, 2, 3, 1);
        Assert.Equal(1, f.Device);
        Assert.Equal(0, f.Cow);
        Assert.Equal(Stamp(2, 3), m.Views("p", "buf", 3, 1)[0].Content);
        Assert.Equal(7, m.Stats().DeviceUsed[0]);
        m.AssertClean();
    }

    [Fact]
    public void ImmovableDevicePagesStayAndFaultIsEfault()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 64, Movable: false), new DeviceConfig("gpu1", 64));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 8, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 1);
        Assert.Equal(8, m.Migrate("p", "buf", "gpu0").Migrated);
        Assert.Equal(8, m.Migrate("p", "buf", "gpu1")[MigrateReason.DeviceImmovable]);
        Assert.Equal(8, m.Migrate("p", "buf", "ram")[MigrateReason.DeviceImmovable]);
        Assert.Equal(Errno.EFAULT, m.Touch("p", "buf", PageRange.All, Access.Read, 0, out _));
        Assert.Equal(8, m.Verify("p", "buf", VerifyPattern.Seq, 1).Device[0]);
        m.AssertClean();
    }

    [Fact]
    public void ChunkRuleGivesWholeChunksToWholeGroups()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 1000, ChunkPages: 64, Allocation: DeviceAllocation.Chunk));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 512, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 1);
        m.Pin("p", "buf", new PageRange(200, 1), 1, true, out _);
        // Range 10..329: group 0 partial, groups 1 and 2 whole, group 3 holds a pinned page, group 4 whole, group 5 partial.
        var r = m.Migrate("p", "buf", "gpu0", 10, 320);
        Assert.Equal(64 * 3, r.Migrated);
        Assert.Equal(1, r[MigrateReason.Pinned]);
        Assert.Equal(320 - 192 - 1, r[MigrateReason.Alloc]);
        // Group 1 took chunk 0, group 2 chunk 1, group 4 chunk 2; page i sits at chunk page i mod 64.
        var views = m.Views("p", "buf", 64, 64);
        Assert.All(views, v => Assert.Equal(Residence.Device, v.Residence));
        Assert.Equal(192, m.Stats().DeviceUsed[0]);
        Assert.Equal(0, m.Verify("p", "buf", VerifyPattern.Seq, 1).Mismatches);
        // Groups 1 and 2 copy frames 64..191 into device pages 0..127 (one command); group 4 is a second.
        Assert.Equal(2, r.Copy.Batches);
        m.AssertClean();
    }

    [Fact]
    public void ChunkRuleSkipsTheShortLastChunk()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 100, ChunkPages: 64, Allocation: DeviceAllocation.Chunk));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 128, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 1);
        var r = m.Migrate("p", "buf", "gpu0");
        Assert.Equal(64, r.Migrated);
        Assert.Equal(64, r[MigrateReason.Alloc]);
        m.AssertClean();
    }

    [Fact]
    public void ThpIsMappedHugeAndSplitByCollect()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 4096));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 1100, VmaKind.Anon, true, true);
        var f = m.Touch("p", "buf", Access.Write, 4);
        // Regions 0 and 1 are huge (one fault each); pages 1024..1099 are a partial region of 4 KiB pages.
        Assert.Equal(2 + 76, f.New);
        Assert.Equal(1024 + 76, m.Stats().RamUsed);
        m.AssertClean();
        var r = m.Migrate("p", "buf", "gpu0");
        Assert.Equal(1024, r[MigrateReason.Compound]);
        Assert.Equal(76, r.Migrated);
        Assert.Equal(0, m.Verify("p", "buf", VerifyPattern.Seq, 4).Mismatches);
        m.AssertClean();
        // After the split the pages are PTE-mapped: a second migrate still gives them up as compound.
        Assert.Equal(1024, m.Migrate("p", "buf", "gpu0")[MigrateReason.Compound]);
        m.Fork("p", "c");
        Assert.Equal(1, m.Touch("c", "buf", Access.Write, 8, 3, 1).Cow);
        Assert.Equal(Stamp(4, 3), m.Views("p", "buf", 3, 1)[0].Content);
        Assert.Equal(Stamp(8, 3), m.Views("c", "buf", 3, 1)[0].Content);
        m.AssertClean();
        Assert.Equal(Errno.None, m.Munmap("p", "buf"));
        Assert.Equal(Errno.None, m.Munmap("c", "buf"));
        Assert.Equal(0, m.Stats().RamUsed);
        m.AssertClean();
    }

    [Fact]
    public void ThpCowOnHugePmdSplitsAndCopiesOnePage()
    {
        using var m = MachineDsl.Machine(65536);
        m.CreateProcess("p");
        m.Mmap("p", "buf", 512, VmaKind.Anon, true, true);
        Assert.Equal(1, m.Touch("p", "buf", Access.Write, 4).New);
        m.Fork("p", "c");
        var f = m.Touch("p", "buf", Access.Write, 6, 5, 2);
        Assert.Equal(2, f.Cow);
        Assert.Equal(514, m.Stats().RamUsed);
        Assert.Equal(Stamp(4, 5), m.Views("c", "buf", 5, 1)[0].Content);
        m.AssertClean();
    }

    [Fact]
    public void InvalidRequestsAreEinvalAndChangeNothing()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 4096));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 1024, VmaKind.Anon, true, false);
        m.Mmap("p", "huge", 1024, VmaKind.Hugetlb, true, false);
        m.Mmap("p", "io", 16, VmaKind.Pfnmap, true, false);
        m.Touch("p", "buf", Access.Write, 1);
        m.Touch("p", "huge", Access.Write, 1);
        m.Touch("p", "io", Access.Write, 1);
        var before = m.Stats();
        foreach (var (vma, range) in new[] { ("buf", new PageRange(1000, 100)), ("huge", PageRange.All), ("io", PageRange.All) })
        {
            var r = new MigrateResult();
            Assert.Equal(Errno.EINVAL, m.Migrate(new MigrateRequest("p", vma, range, "gpu0"), r));
            Assert.Equal(0, r.Requested);
            Assert.Equal(0, r.Migrated);
            Assert.Empty(r.PageOutcomes);
        }
        var empty = new MigrateResult();
        Assert.Equal(Errno.EINVAL, m.MigrateVma(m.Driver("gpu0").MigrateInto, "p", "buf", 10, 10, "gpu0", empty));
        Assert.Equal(Errno.EINVAL, m.MigrateVma(m.Driver("gpu0").MigrateInto, "p", "buf", 10, 1025, "gpu0", empty));
        Assert.Equal(before.RamUsed, m.Stats().RamUsed);
        Assert.Equal(0, m.Stats().DeviceUsed[0]);
        Assert.Equal(0, m.Touch("p", "huge", Access.Read).New);
        m.AssertClean();
    }

    [Fact]
    public void DeviceToDeviceAndBackToRam()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 512), new DeviceConfig("gpu1", 512, Addressable: true));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 300, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 2);
        Assert.Equal(300, m.Migrate("p", "buf", "gpu0").Migrated);
        var r = m.Migrate("p", "buf", "gpu1");
        Assert.Equal(300, r.Migrated);
        Assert.Equal(1, r.TlbFlushes); // as the seed: converting a device-private entry counts like a present PTE
        Assert.Equal(0, m.Stats().DeviceUsed[0]);
        var v = m.Verify("p", "buf", VerifyPattern.Seq, 2);
        Assert.Equal(300, v.Device[1]);
        // Addressable memory is mapped by present PTEs: the CPU reads it without faulting.
        Assert.Equal(0, m.Touch("p", "buf", Access.Read).Device);
        var back = m.Migrate("p", "buf", "ram");
        Assert.Equal(300, back.Migrated);
        Assert.Equal(1, back.TlbFlushes);
        Assert.Equal(300, m.Verify("p", "buf", VerifyPattern.Seq, 2).Ram);
        Assert.Equal(300, m.Migrate("p", "buf", "ram")[MigrateReason.AlreadyOnTarget]);
        m.AssertClean();
    }

    [Fact]
    public void RamFullGivesAllocOnTheWayBackAndEnomemOnFaults()
    {
        using var m = MachineDsl.Machine(1024, new DeviceConfig("gpu0", 1024));
        m.CreateProcess("p");
        m.Mmap("p", "a", 600, VmaKind.Anon, true, false);
        m.Mmap("p", "b", 600, VmaKind.Anon, true, false);
        m.Touch("p", "a", Access.Write, 1);
        Assert.Equal(600, m.Migrate("p", "a", "gpu0").Migrated);
        m.Touch("p", "b", Access.Write, 2);
        Assert.Equal(Errno.ENOMEM, m.Touch("p", "a", PageRange.All, Access.Read, 0, out _));
        Assert.Equal(600, m.Stats().DeviceUsed[0]);
        var r = m.Migrate("p", "a", "ram");
        Assert.Equal(424, r.Migrated);
        Assert.Equal(176, r[MigrateReason.Alloc]);
        Assert.Equal(0, m.Verify("p", "a", VerifyPattern.Seq, 1).Mismatches);
        m.AssertClean();
    }

    [Fact]
    public void DeviceFullPartWayThroughALargeCallGivesTheLastPagesAlloc()
    {
        // More pages than the driver takes from the allocator at a time, so the device runs out part-way through a take.
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 2500));
        m.CreateProcess("p");
        m.Mmap("p", "a", 300, VmaKind.Anon, true, false);
        m.Mmap("p", "b", 3000, VmaKind.Anon, true, false);
        m.Touch("p", "a", Access.Write, 1);
        m.Touch("p", "b", Access.Write, 2);
        Assert.Equal(300, m.Migrate("p", "a", "gpu0").Migrated);
        var r = m.Migrate("p", "b", "gpu0");
        Assert.Equal(2200, r.Migrated);
        Assert.Equal(800, r[MigrateReason.Alloc]);
        var views = m.Views("p", "b", 0, 3000);
        for (var i = 0; i < 3000; i++)
        {
            Assert.Equal(i < 2200 ? Residence.Device : Residence.Ram, views[i].Residence);
        }
        Assert.Equal(0, m.Verify("p", "b", VerifyPattern.Seq, 2).Mismatches);
        // The copies went to device pages 300.. in address order, the commands covering them in turn.
        var next = 0;
        foreach (var command in m.LastCopyCommands)
        {
            Assert.Equal(next, command.FirstIndex);
            Assert.Equal(300 + next, command.DstFrame);
            next += command.Pages;
        }
        Assert.Equal(2200, next);
        Assert.Equal(2500, m.Stats().DeviceUsed[0]);
        m.AssertClean();
    }

    [Fact]
    public void FileAndShmemPagesGoToAddressableMemoryOnly()
    {
        using var m = MachineDsl.Machine(65536, new DeviceConfig("gpu0", 512), new DeviceConfig("cxl", 512, Addressable: true));
        m.CreateProcess("p");
        m.Mmap("p", "f", 100, VmaKind.File, true, false);
        m.Mmap("p", "s", 100, VmaKind.SharedAnon, true, false);
        m.Touch("p", "f", Access.Write, 1, 0, 50);
        m.Touch("p", "s", Access.Write, 2);
        m.Fork("p", "c");
        var r = m.Migrate("p", "f", "gpu0");
        Assert.Equal(50, r[MigrateReason.FileUnaddressable]);
        Assert.Equal(50, r[MigrateReason.Hole]);
        Assert.Equal(100, m.Migrate("c", "s", "cxl").Migrated);
        Assert.Equal(100, m.Verify("p", "s", VerifyPattern.Seq, 2).Device[1]);
        // A shared write through the child is seen by the parent.
        m.Touch("c", "f", Access.Write, 3, 60, 10);
        Assert.Equal(Stamp(3, 65), m.Views("p", "f", 65, 1)[0].Content);
        m.AssertClean();
        m.Munmap("p", "s");
        Assert.Equal(100, m.Stats().DeviceUsed[1]);
        m.Munmap("c", "s");
        Assert.Equal(0, m.Stats().DeviceUsed[1]);
        m.AssertClean();
    }

    [Fact]
    public void BytesModeMovesRealBytes()
    {
        using var m = MachineDsl.BytesMachine(65536, new DeviceConfig("gpu0", 512));
        m.CreateProcess("p");
        m.Mmap("p", "buf", 256, VmaKind.Anon, true, false);
        m.Touch("p", "buf", Access.Write, 7, 0, 200);
        var r = m.Migrate("p", "buf", "gpu0");
        Assert.Equal(200, r.Migrated);
        Assert.Equal(56, r[MigrateReason.Hole]);
        var v = m.Verify("p", "buf", VerifyPattern.Seq, 7, 0, 200);
        Assert.Equal(0, v.Mismatches);
        Assert.Equal(0, m.Verify("p", "buf", VerifyPattern.Zero, 0, 200, 56).Mismatches);
        m.SwapOut("p", "buf", PageRange.All, 1, out var swapped);
        Assert.Equal(0, swapped);
        m.Touch("p", "buf", Access.Read);
        Assert.Equal(0, m.Verify("p", "buf", VerifyPattern.Seq, 7, 0, 200).Mismatches);
        m.SwapOut("p", "buf", PageRange.All, 1, out swapped);
        Assert.Equal(256, swapped);
        m.Touch("p", "buf", Access.Read);
        Assert.Equal(0, m.Verify("p", "buf", VerifyPattern.Seq, 7, 0, 200).Mismatches);
        m.AssertClean();
    }

    private static ulong Stamp(ulong salt, long i) => Components.Content.Stamp.Of(salt, i);
}
