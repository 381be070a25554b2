using HmmEcs.Components.Migration;
using HmmEcs.Devices.Frames;
using HmmEcs.Devices.Memory;
using HmmEcs.Engine;

namespace HmmEcs.Devices.Copy;

/// <summary>
/// One large submission's content move, shared by the calling thread and thread-pool helpers: each
/// claims the next chunk of entries until none are left (<see cref="PartitionedWork"/>).
/// </summary>
internal sealed unsafe class ContentMoveJob(BatchedCopyEngine engine, PhysicalMemory memory, HmmPfn* src, HmmPfn* dst, int[] bounds)
    : PartitionedWork
{
    /// <summary>Moves entries <c>[bounds[c], bounds[c+1])</c>; the entry arrays stay pinned until <see cref="PartitionedWork.Run"/> returns.</summary>
    protected override void Work(int part) => engine.MoveChunk(memory, src, dst, bounds[part], bounds[part + 1]);
}
