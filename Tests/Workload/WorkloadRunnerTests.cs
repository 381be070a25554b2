using HmmEcs.Systems.Machine;
using HmmEcs.Systems.Workload;

namespace HmmEcs.Tests.Workload;

/// <summary>The shared runner's lockstep streams, fault buffer and batching, against a target that records its calls.</summary>
public class WorkloadRunnerTests
{
    /// <summary>A device that serves every block by mapping its pages writable, and remembers each block it was given.</summary>
    private sealed class RecordingTarget(long pages) : IWorkloadTarget
    {
        public byte[] Levels { get; } = new byte[pages];
        public List<long[]> Blocks { get; } = [];

        public void ReadLevels(long first, Span<byte> levels) => Levels.AsSpan((int)first, levels.Length).CopyTo(levels);

        public void ServiceBlock(ReadOnlySpan<long> pages, ReadOnlySpan<bool> writes, ReadOnlySpan<bool> faulted, ref BlockService outcome)
        {
            Blocks.Add(pages.ToArray());
            foreach (var p in pages)
            {
                Levels[p] = MirrorLevel.Write;
            }
            outcome.Migrated += pages.Length;
        }

        public void MapRemote(ReadOnlySpan<long> pages, ReadOnlySpan<bool> writes, ref BlockService outcome)
        {
            foreach (var p in pages)
            {
                Levels[p] = MirrorLevel.Write;
            }
            outcome.Remote += pages.Length;
        }

        public long DeviceFreePages => long.MaxValue;

        public void EvictBlock(ReadOnlySpan<long> pages, ref BlockService outcome) =>
            throw new InvalidOperationException("a device with room never evicts");
    }

    private static WorkloadRequest Request(AccessPattern pattern, long accesses, int parallel, FaultHandling? faults = null, PageRange range = default) =>
        new("gpu0", "p", "a", range, pattern, accesses, parallel, 0, 1, faults ?? FaultHandling.Default);

    [Fact]
    public void OneStreamFaultsOnePageABatch()
    {
        var target = new RecordingTarget(8);
        var r = new WorkloadResult();
        WorkloadRunner.Run(Request(new AccessPattern(AccessPatternKind.Stream), 16, 1), 0, 8, target, r);
        Assert.Equal((16L, 8L, 8L, 8L), (r.Accesses, r.Hits, r.Faults, r.Batches));
        Assert.Equal(new BatchDistribution(1, 1, 1), r.FaultsPerBatch);
    }

    [Fact]
    public void LockstepStreamsFillABatchAndItSplitsByVaBlock()
    {
        // 1,024 streams over pages 0..1023 of a VMA whose range starts at page 256: blocks 0, 1 and 2 of the VMA.
        var target = new RecordingTarget(2048);
        var r = new WorkloadResult();
        var faults = FaultHandling.Default with { BatchSize = 1024 };
        WorkloadRunner.Run(Request(new AccessPattern(AccessPatternKind.Stream), 1024, 1024, faults), 256, 1024, target, r);
        Assert.Equal(1, r.Batches);
        Assert.Equal([256, 512, 256], target.Blocks.Select(b => b.Length));
        Assert.Equal([256L, 512, 1024], target.Blocks.Select(b => b[0]));
        Assert.Equal(new BatchDistribution(3, 3, 3), r.BlocksPerBatch);
        // 45 + 3 x 10 + 1024 x 0.5 µs.
        Assert.Equal(587, r.FaultServiceUs);
    }

    [Fact]
    public void TheDriverTakesAFullBatchBeforeEveryStreamWaits()
    {
        // 600 streams, batches of 256: the buffer holds 600 faults after the first round; batches of 256, 256, 88.
        var target = new RecordingTarget(600);
        var r = new WorkloadResult();
        WorkloadRunner.Run(Request(new AccessPattern(AccessPatternKind.Stream), 600, 600), 0, 600, target, r);
        Assert.Equal(3, r.Batches);
        Assert.Equal(new BatchDistribution(256, 256, 256), r.FaultsPerBatch);
        Assert.Equal(600, r.Faults);
    }

    [Fact]
    public void FaultsOnAPageServedEarlierAreDuplicates()
    {
        // Everything on page 0: 8 streams fault on it in the first round; batch size 3 takes 3, then the 5 left find it served.
        var target = new RecordingTarget(64);
        var r = new WorkloadResult();
        var pattern = new AccessPattern(AccessPatternKind.HotCold) { HotFraction = 1.0 / 64, HotProbability = 1 };
        WorkloadRunner.Run(Request(pattern, 8, 8, FaultHandling.Default with { BatchSize = 3 }), 0, 64, target, r);
        Assert.Equal((8L, 7L, 3L), (r.Faults, r.DuplicateFaults, r.Batches));
        Assert.Single(target.Blocks);
        Assert.Equal(new BatchDistribution(3, 3, 3), r.FaultsPerBatch);
        Assert.Equal(new BatchDistribution(0, 1, 1), r.BlocksPerBatch);
    }

    [Fact]
    public void SingleModeServicesOneFaultABatch()
    {
        var target = new RecordingTarget(64);
        var r = new WorkloadResult();
        var faults = FaultHandling.Default with { Mode = FaultMode.Single };
        WorkloadRunner.Run(Request(new AccessPattern(AccessPatternKind.Stream), 64, 16, faults), 0, 64, target, r);
        Assert.Equal((64L, 64L), (r.Faults, r.Batches));
        Assert.All(target.Blocks, b => Assert.Single(b));
    }
}
